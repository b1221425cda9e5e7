"""deepgrade's grading engine, command-line interface and hidden suites."""
