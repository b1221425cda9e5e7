# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The one-weight ReLU network, by hand, and five concepts
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `quiz` · student `demo`*
#
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
#
# The smallest network there is: one input $x$, one hidden unit with a ReLU, one output, and the squared-error
# loss on one observation $(x, y)$:
#
# $$z = w\,x, \qquad a = g(z) = \max(0, z), \qquad \hat y = \beta\, a, \qquad R = \tfrac12 (y - \hat y)^2.$$
#
# Backpropagation is the chain rule read from the loss back to each weight:
#
# $$\frac{\partial R}{\partial \beta} = \frac{\partial R}{\partial \hat y}\,\frac{\partial \hat y}{\partial \beta}, \qquad
# \frac{\partial R}{\partial w} = \frac{\partial R}{\partial \hat y}\,\frac{\partial \hat y}{\partial a}\,
# \frac{\partial a}{\partial z}\,\frac{\partial z}{\partial w}, \qquad g'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0. \end{cases}$$
#
# One step of gradient descent with learning rate $\rho$ updates **both** weights from the gradients at the
# **current** weights: $w \leftarrow w - \rho\, \partial R/\partial w$ and $\beta \leftarrow \beta - \rho\, \partial R/\partial \beta$.
#
# Work it out by hand (or with Python as a calculator), then give the numbers. Five concept questions about
# the chapter follow.
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | The forward pass | `z`, `a`, `yhat`, `R` | 4 |
# | The gradients | `dR_dbeta`, `dR_dw` | 2 |
# | One gradient-descent step | `w_new`, `beta_new` | 2 |
# | Five concepts of the chapter | `concept_bow_loses`, `concept_rnn_vs_bow`, `concept_snr`, `concept_double_descent`, `concept_saddle` | 5 |
# | **total** | | **13** |
#
# ## How to work
#
# 1. Run the cells from the top. *Kernel → Restart & Run All* runs everything and stops at the first
#    blank you have not filled in yet (it raises `NotImplementedError`).
# 2. Fill in the answer cells: replace each `None` by your answer (a number, or a letter in quotes such as
#    `"B"`) and delete the `raise NotImplementedError()` line. Keep the variable names: the grader reads them.
# 3. Run the `check(...)` cell under each answer cell. It checks only the **format** of your answers (a
#    finite number, one letter among A-D), never whether they are right.
# 4. Passing the public checks is necessary, not sufficient: the grader runs hidden tests on other inputs,
#    so a passing check is not a grade. The grader runs only the given cells and your answer cells, not the
#    `check(...)` or demonstration cells, so do not make your functions depend on variables defined in those.
#
# The whole notebook can also be checked from a shell in this folder: `python deepgrade_check.py`
# (or `deepgrade check .` where deepgrade is installed).

# %% [markdown]
# ## Your variant
#
# Every student gets their own variant of this assignment. Yours:
#
# | | |
# |---|---|
# | student | `demo` |
# | input $x$ | **-0.5** |
# | target $y$ | **1.7** |
# | input-to-hidden weight $w$ | **0.6** |
# | hidden-to-output weight $\beta$ | **-0.3** |
# | learning rate $\rho$ | **0.25** |
#
# The concept questions list their options in your own order.

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

# %% [markdown]
# ## 1. The forward pass (4 points, 1 each)
#
# With your $x = -0.5$, $w = 0.6$, $\beta = -0.3$ and $y = 1.7$: the pre-activation `z`, the
# activation `a`, the output `yhat` and the loss `R`. Numbers count as right within 0.0005, so give at
# least 4 decimals.

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
z    = -0.3
a    = 0.0
yhat = 0.0
R    = 1.445

# %% tags=["skip-grading"]
check("forward")

# %% [markdown]
# ## 2. The gradients (2 points, 1 each)
#
# `dR_dbeta` $= \partial R / \partial \beta$ and `dR_dw` $= \partial R / \partial w$ at your weights. Mind the
# sign of $z$: if $z \le 0$ the unit is "dead" and passes no gradient to $w$.

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
dR_dbeta = 0.0
dR_dw    = 0.0

# %% tags=["skip-grading"]
check("backward")

# %% [markdown]
# ## 3. One gradient-descent step (2 points, 1 each)
#
# `w_new` and `beta_new` after one step with $\rho = 0.25$, both computed from the gradients of question 2.

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
w_new    = 0.6
beta_new = -0.3

# %% tags=["skip-grading"]
check("update")

# %% [markdown]
# ## 4. Concepts (5 points, 1 each)
#
# For each question assign the letter of the best option as a string, e.g. `concept_bow_loses = "A"`.

# %% [markdown]
# **4a. What bag-of-words loses.**
#
# A review becomes a binary bag-of-words vector over a vocabulary of frequent words. What does that representation lose?
#
# - **A.** The review's label, so the lasso cannot learn from it.
# - **B.** The order of the words: "not good" and "good not" get the same vector.
# - **C.** Nothing: two reviews with the same vector are the same text.
# - **D.** Which vocabulary words occur in the review.
#
# Answer: `concept_bow_loses`

# %% [markdown]
# **4b. The simple RNN and bag-of-words.**
#
# On IMDb, a simple RNN that reads a review word by word does no better than the bag-of-words lasso, although it sees the word order. What is the chapter's main explanation?
#
# - **A.** Bag-of-words uses the order of words more effectively than an RNN.
# - **B.** A recurrent network cannot represent word order at all.
# - **C.** Gradients that flow back through many time steps shrink (vanish), so the simple RNN learns little from words far from the end; gated units such as the LSTM were designed for this.
# - **D.** The RNN is trained on fewer reviews than the lasso.
#
# Answer: `concept_rnn_vs_bow`

# %% [markdown]
# **4c. Signal, noise and features.**
#
# Forecasting NYSE log volume with an AR(5) model, adding the day_of_week of the target day raises the test R^2 from about 0.41 to about 0.46. What does this illustrate?
#
# - **A.** Standardizing the series is what raised the R^2.
# - **B.** A more flexible model always raises the test R^2.
# - **C.** The series has no autocorrelation, so only calendar effects matter.
# - **D.** With a low signal-to-noise ratio, a well-chosen feature can help more than extra model flexibility: feature engineering matters.
#
# Answer: `concept_snr`

# %% [markdown]
# **4d. Occam's razor and double descent.**
#
# A model with many more parameters than observations fits the training data exactly, yet its test error is low. How does this square with Occam's razor and the bias-variance trade-off?
#
# - **A.** It works only because the training error is kept above zero by early stopping.
# - **B.** Among the many exact fits, the fitting method selects a smooth one (gradient descent from zero finds the minimum-norm solution), so test error can fall again past the interpolation threshold (double descent); the trade-off still holds for that method.
# - **C.** It shows the bias-variance trade-off is wrong: more parameters always lower the test error.
# - **D.** It cannot happen: a model that interpolates the training data always has the highest test error.
#
# Answer: `concept_double_descent`

# %% [markdown]
# **4e. Saddle points and the sign of the gradient.**
#
# Gradient descent reaches a point where the gradient of R is zero, but R curves up in one direction and down in another (a saddle point). Which statement is true?
#
# - **A.** The next step moves each weight in the direction of the sign of its gradient, so R increases.
# - **B.** It is a minimum, so training has found the best fit.
# - **C.** A zero gradient means the learning rate is too large and must be lowered.
# - **D.** At that exact point a step changes nothing, but a small perturbation, such as SGD's minibatch noise, moves the weights off it downhill, since each step goes against the sign of the gradient.
#
# Answer: `concept_saddle`

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
concept_bow_loses      = "B"
concept_rnn_vs_bow     = "C"
concept_snr            = "D"
concept_double_descent = "B"
concept_saddle         = "D"

# %% tags=["skip-grading"]
check("concepts")

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit quiz.ipynb`.
# 3. Submit the notebook file `quiz.ipynb` (or `quiz.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
