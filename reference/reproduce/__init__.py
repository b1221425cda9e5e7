"""``deepgrade reproduce``: ISLP chapter 10's results table on the real IMDb and NYSE data.

Modules, one idea each:

- ``table``: the rows (task names, models, textbook numbers, targets) and the printed table
- ``runner``: runs the selected rows, writes ``results.json`` and the plots (``run_table``)
- ``context``: what a task receives (``Context``) and returns (``Outcome``)
- ``imdb_tasks``: lasso path, bag-of-words MLP, simple RNN and LSTM on IMDb reviews
- ``nyse_tasks``: AR(5), AR(5) + day_of_week (numpy reference), RNN and nonlinear AR (torch)
- ``experiments``: vanishing gradients (RNN vs LSTM) and double descent (random features)
- ``models``: the torch models
- ``train``: training loop, devices, seeding, threads; ``plots``: the PNG figures

Data loading lives in ``reference.data``; the numpy reference (``reference.ar``, ``reference.bow``,
``reference.sgd``) supplies the AR fits, the lasso path and the min-norm solution.
"""
