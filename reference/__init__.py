"""deepgrade's numpy reference implementation of ISLP chapter 10 (the answer key).

Everything students implement and everything the hidden tests compare against comes from
this package. Modules follow CS231n's ``*_forward -> (out, cache)`` /
``*_backward(dout, cache)`` convention and ISLP's notation (x, h, W, U, b, beta, phi, rho).
"""
