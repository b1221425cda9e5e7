"""Reports people look at in a browser: static, self-contained HTML files made from the gradebook.

    feedback_html   one page per student and assignment (``deepgrade feedback``, ``grade --html``)
    dashboard       one page per gradebook for the TAs (``deepgrade dashboard``)
    similarity      pairs of submissions whose code looks copied (``deepgrade similarity``)

Shared pieces: :mod:`.render` (the jinja2 environment: autoescape on, every printed string cleaned of
control characters, a Content-Security-Policy that lets no page load anything), :mod:`.charts`
(matplotlib figures embedded as data URIs), :mod:`.fingerprint` (token k-grams and winnowing) and
:mod:`.browser` (headless Chromium, for tests, benchmarks and the README's screenshot).
No page loads anything from the network; each opens from disk, works with JavaScript off and prints.
"""
