# The walk-through notebook of the assignment, one cell per marker
# (see grading/release/notebook.py).
# `nnkit release` makes assignment/nnbasics.ipynb of it; `nnkit export nbgrader|otter` the
# notebooks for those platforms. The [setup], [solution] and [check] cells are written per
# notebook: leave them empty. Code cells import the student's functions from `nnbasics`.
# {{EXAMPLE.NAME}} is a value of the slides' worked examples, solution/slide_examples.toml:
# in Markdown and comment lines as the slides print it, in code as a Python literal.
# ruff: noqa: E402, F821 (cells import late; {{...}} is filled in when the notebook is built)

# %% [markdown]
# # Neural networks from scratch: lectures 7a and 7b, hands on
#
# This notebook walks through DD2418's lectures on neural networks (7a, *Neural networks
# basics*, and 7b, *Training neural networks*) in eight parts. In each part you write a
# piece of the small numpy package `nnbasics`, run the example from the slides on your
# code, look at a picture of what it computes, and check your work with the part's public
# tests.
#
# Run the cells from the top. A cell that needs a function you have not written yet stops
# with one line that names it: write that function, then run the cell again. The public
# tests are the slides' examples and a few sanity checks; the grader runs more (random
# inputs, other shapes, gradient checks), so passing them is a good start, not the end.

# %% [setup]

# %%
import matplotlib.pyplot as plt
import numpy as np

np.set_printoptions(precision=4, suppress=True)

# The four inputs of AND and XOR (one per row), and their labels.
X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([0.0, 1.0, 1.0, 0.0])
Y_AND = np.array([0.0, 0.0, 0.0, 1.0])

# A grid over the input square, one point per row, for pictures of decision regions.
G1, G2 = np.meshgrid(np.linspace(-0.5, 1.5, 161), np.linspace(-0.5, 1.5, 161))
GRID_X = np.column_stack([G1.ravel(), G2.ravel()])


def show_points(ax, labels, title):
    """The four inputs on `ax`: filled for label 1, open for label 0."""
    for label, face in [(0.0, "white"), (1.0, "black")]:
        points = X_XOR[labels == label]
        ax.scatter(points[:, 0], points[:, 1], s=130, c=face, edgecolors="black", zorder=3)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.set_aspect("equal")


# %% [markdown]
# ## Part 1: Activation functions
#
# *Slides 7a, "Activation functions".* A neuron adds up its weighted inputs, $z$, and passes
# the sum through a non-linear **activation function** $g$. The lecture uses three:
#
# | function | $g(z)$ | derivative $g'(z)$ |
# |---|---|---|
# | logistic sigmoid | $\sigma(z) = \frac{1}{1 + e^{-z}}$ | $\sigma(z)\,(1 - \sigma(z))$ |
# | hyperbolic tangent | $\tanh(z) = \frac{e^z - e^{-z}}{e^z + e^{-z}}$ | $1 - \tanh^2(z)$ |
# | rectified linear unit | $\max(0, z)$ | $1$ for $z > 0$, else $0$ |
#
# Backpropagation needs each derivative at $z$, the *input* of $g$. Mind the numbers too:
# for $z = -1000$, $e^{-z}$ overflows, although $\sigma(-1000)$ is simply 0.

# %% [solution] activations

# %%
from nnbasics.activations import relu, relu_grad, sigmoid, sigmoid_grad, tanh, tanh_grad

# The slides' hidden layer: sigma(z1) = a1 = {{hidden_layer.a1}},
# sigma(z2) = a2 = {{hidden_layer.a2}}
z_hidden = np.concatenate([np.ravel({{hidden_layer.z1}}), np.ravel({{hidden_layer.z2}})])
print(f"sigmoid({z_hidden}) =", sigmoid(z_hidden))
print("sigmoid(-1000, 0, 1000)  =", sigmoid(np.array([-1000.0, 0.0, 1000.0])))
print("relu(-2, 0, 3)           =", relu(np.array([-2.0, 0.0, 3.0])))

# %% [markdown]
# The three functions and their derivatives. The sigmoid's slope is at most 1/4 and tanh's
# at most 1, and both vanish for large $|z|$: a gradient that passes back through many such
# layers shrinks. ReLU's slope is 0 or 1.

# %%
z_axis = np.linspace(-5.0, 5.0, 401)
curves = [
    ("sigmoid", sigmoid(z_axis), sigmoid_grad(z_axis)),
    ("tanh", tanh(z_axis), tanh_grad(z_axis)),
    ("ReLU", relu(z_axis), relu_grad(z_axis)),
]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
for ax, (name, values, slopes) in zip(axes, curves):
    ax.plot(z_axis, values, label=f"{name}(z)")
    ax.plot(z_axis, slopes, "--", label=f"{name}'(z)")
    ax.axhline(0.0, color="gray", linewidth=0.6)
    ax.axvline(0.0, color="gray", linewidth=0.6)
    ax.set(title=name, xlabel="z")
    ax.legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [check] activations

# %% [markdown]
# ## Part 2: Binary cross-entropy
#
# *Slides 7b, "Cross-entropy loss function".* For a prediction $\hat y \in [0, 1]$ of a
# label $y \in \{0, 1\}$ the loss is $-\ln \hat y$ when $y = 1$ and $-\ln(1 - \hat y)$ when
# $y = 0$, in one formula $-[y \ln \hat y + (1 - y) \ln(1 - \hat y)]$. A batch costs the
# **mean** over its elements, so the gradient with respect to each $\hat y$ carries the
# factor $1/m$ of the mean:
#
# $$
# \frac{\partial L}{\partial \hat y}
#   = -\frac{1}{m}\left(\frac{y}{\hat y} - \frac{1 - y}{1 - \hat y}\right)
# $$
#
# A prediction of exactly 0 or 1 must not give `inf` or `nan`: clip $\hat y$ first.

# %% [solution] losses

# %%
from nnbasics.losses import binary_cross_entropy, binary_cross_entropy_grad

# The slides' logistic regression: y_hat = h(x) = {{logistic_regression.h}}
# for y = {{logistic_regression.y}} costs {{logistic_regression.loss}}
theta_slide = np.array({{logistic_regression.theta}})
x_slide = np.array({{logistic_regression.X}})
h_slide = sigmoid(theta_slide[0] + x_slide @ theta_slide[1:])
print("loss =", round(binary_cross_entropy(h_slide, np.array({{logistic_regression.y}})), 4))
# The slides' hidden layer: y = {{hidden_layer.y}} and a2 = sigma(z2) give
# dLoss/da2 = -1/a2 = {{hidden_layer.dloss_da2}}
a2_slide = sigmoid(np.array({{hidden_layer.z2}}))
print("dLoss/da2 =", binary_cross_entropy_grad(a2_slide, np.array({{hidden_layer.y}})))
print("y_hat = 0 for y = 1 costs", binary_cross_entropy(np.array([0.0]), np.array([1.0])))

# %% [markdown]
# The two halves of the loss, computed with your function one prediction at a time: a
# confident wrong answer costs far more than a hesitant one.

# %%
y_hats = np.linspace(0.005, 0.995, 199)
costs = {
    label: [binary_cross_entropy(np.array([p]), np.array([label])) for p in y_hats]
    for label in (1.0, 0.0)
}
fig, ax = plt.subplots(figsize=(6, 3.6))
for label, cost in costs.items():
    ax.plot(y_hats, cost, label=f"y = {label:g}")
ax.set(xlabel=r"prediction $\hat y$", ylabel="loss", title="Binary cross-entropy of one example")
ax.legend()
plt.show()

# %% [check] losses

# %% [markdown]
# ## Part 3: One neuron, binary logistic regression
#
# *Slides 7a, "Binary logistic regression"; 7b, "Backpropagation again".* One artificial
# neuron computes $h(x) = \sigma(\theta_0 + \theta_1 x_1 + \dots + \theta_n x_n)$, the
# probability that $x$ belongs to the positive class. With the mean cross-entropy as loss,
# the chain rule gives a short gradient: $\frac{\partial L}{\partial z} = \frac{1}{m}(h(x) - y)$
# per example, times 1 for $\theta_0$ and times $x_j$ for $\theta_j$.
#
# The slide's example ({{logistic_regression.slides}}): $x = {{logistic_regression.X}}$,
# $y = {{logistic_regression.y}}$ and $\theta = {{logistic_regression.theta}}$ give
# $h(x) = {{logistic_regression.h}}$, loss ${{logistic_regression.loss}}$ and gradient
# ${{logistic_regression.grad}}$.

# %% [solution] neuron

# %%
from nnbasics.neuron import AND_THETA, logistic, logistic_loss_and_grad

y_slide = np.array({{logistic_regression.y}})
slide_loss, slide_grad = logistic_loss_and_grad(x_slide, y_slide, theta_slide)
print("h(x) =", logistic(x_slide, theta_slide), "  loss =", round(slide_loss, 4))
print("gradient =", slide_grad)
print("AND with your AND_THETA:", logistic(X_XOR, AND_THETA).round(3), "for", X_XOR.tolist())

# %% [markdown]
# ### Why one neuron cannot compute XOR
#
# *Slides 7a, "An artificial neuron cannot compute XOR".* The neuron says "1" exactly where
# $\theta_0 + \theta_1 x_1 + \theta_2 x_2 > 0$: on one side of a straight line. A line
# separates AND's one positive point from the rest, but no line separates XOR's two pairs.
# Below, 2000 neurons with random weights try XOR: none gets all four points right.

# %%
rng = np.random.default_rng(0)
random_thetas = rng.normal(0.0, 4.0, size=(2000, 3))
right = np.array([np.sum((logistic(X_XOR, t) > 0.5) == Y_XOR) for t in random_thetas])
print(f"XOR: the best of {len(random_thetas)} random neurons gets {right.max()} of 4 points right")

p_and = logistic(GRID_X, AND_THETA).reshape(G1.shape)
best = random_thetas[np.argmax(right)]
p_best = logistic(GRID_X, best).reshape(G1.shape)
fig, (ax_and, ax_xor) = plt.subplots(1, 2, figsize=(11, 4.8))
ax_and.contourf(G1, G2, p_and, levels=np.linspace(0.0, 1.0, 11), cmap="Blues", alpha=0.6)
ax_and.contour(G1, G2, p_and, levels=[0.5], colors="C3")
show_points(ax_and, Y_AND, "AND: your neuron's line (red) splits the classes")
ax_xor.contourf(G1, G2, p_best, levels=np.linspace(0.0, 1.0, 11), cmap="Blues", alpha=0.6)
ax_xor.contour(G1, G2, p_best, levels=[0.5], colors="C3")
show_points(ax_xor, Y_XOR, f"XOR: the best random neuron, {right.max()} of 4 right")
plt.tight_layout()
plt.show()

# %% [check] neuron

# %% [markdown]
# ## Part 4: Backpropagation on a computational graph
#
# *Slides {{backward_differentiation.slides}}.* Take $L(x, y, z) = (x + y)z$
# with $x = {{backward_differentiation.x}}$, $y = {{backward_differentiation.y}}$,
# $z = {{backward_differentiation.z}}$. The **forward pass** computes
# $q = x + y = {{backward_differentiation.q}}$ and $L = qz = {{backward_differentiation.L}}$.
# The **backward pass** starts from $\partial L/\partial L = 1$ and multiplies local
# derivatives along the edges: $\partial L/\partial z = q = {{backward_differentiation.dL_dz}}$,
# $\partial L/\partial q = z = {{backward_differentiation.dL_dq}}$, and since
# $\partial q/\partial x = \partial q/\partial y = 1$, also
# $\partial L/\partial x = \partial L/\partial y = {{backward_differentiation.dL_dx}}$.
#
# `Value` does this for any expression: each operation records its inputs and a small
# function that passes the gradient back to them; `backward()` calls those functions from
# $L$ back to the leaves, adding up where a value is used more than once.

# %% [solution] graph

# %%
from nnbasics.graph import Value

x = Value({{backward_differentiation.x}})
y = Value({{backward_differentiation.y}})
z = Value({{backward_differentiation.z}})
q = x + y
L = q * z
L.backward()
nodes = {"x": x, "y": y, "z": z, "q": q, "L": L}
for name, node in nodes.items():
    print(f"{name}: value {node.data:5g}   dL/d{name} = {node.grad:g}")

# The graph, with the values of the forward pass and the gradients of the backward pass
position = {"x": (0.0, 2.0), "y": (0.0, 1.0), "z": (0.0, 0.0), "q": (2.2, 1.5), "L": (4.4, 0.75)}
caption = {"q": "q = x + y", "L": "L = q z"}
edges = [
    ("x", "q", r"$\partial q/\partial x = 1$"),
    ("y", "q", r"$\partial q/\partial y = 1$"),
    ("q", "L", r"$\partial L/\partial q = z$"),
    ("z", "L", r"$\partial L/\partial z = q$"),
]
fig, ax = plt.subplots(figsize=(10, 4.6))
for start, end, local in edges:
    ax.annotate(
        "",
        xy=position[end],
        xytext=position[start],
        arrowprops=dict(arrowstyle="-|>", color="gray", shrinkA=32, shrinkB=32),
    )
    middle = np.add(position[start], position[end]) / 2
    ax.text(middle[0], middle[1] + 0.12, local, ha="center", color="dimgray", fontsize=9)
for name, (px, py) in position.items():
    box = dict(boxstyle="round,pad=0.5", facecolor="#e8f1fb", edgecolor="C0")
    label = f"{caption.get(name, name)}\n{nodes[name].data:g}"
    ax.text(px, py, label, ha="center", va="center", fontsize=12, bbox=box)
    ax.text(px, py - 0.42, f"dL/d{name} = {nodes[name].grad:g}", ha="center", color="C3")
ax.set(xlim=(-0.8, 5.2), ylim=(-0.7, 2.5), title="L = (x + y) z: values and gradients")
ax.axis("off")
plt.show()

# %% [markdown]
# The same machinery differentiates the neuron of Part 3: the loss
# $-[y \ln h(x) + (1 - y) \ln(1 - h(x))]$ at the slide's $\theta$ again gives
# ${{logistic_regression.loss}}$ and gradient ${{logistic_regression.grad}}$.

# %%
thetas = [Value(float(t)) for t in theta_slide]
z_neuron = thetas[0]
for theta, x_j in zip(thetas[1:], x_slide[0]):
    z_neuron = z_neuron + theta * float(x_j)
h_neuron, y_label = z_neuron.sigmoid(), float(y_slide[0])
neuron_loss = -(y_label * h_neuron.log() + (1 - y_label) * (1 - h_neuron).log())
neuron_loss.backward()
print(f"loss {neuron_loss.data:.4f}, gradients", [round(t.grad, 4) for t in thetas])

# %% [check] graph

# %% [markdown]
# ## Part 5: Dense and activation layers
#
# *Slides 7a, "Vector notation"; 7b, "Backpropagation with a hidden layer".* A layer of
# neurons is a matrix product followed by an activation. With a batch as rows,
# $A_{prev}$ of shape $(m, n_{in})$, and one row of $W$ per neuron, $W$ of shape
# $(n_{out}, n_{in})$:
#
# - forward: $Z = A_{prev} W^T + b$, then $A = g(Z)$ elementwise;
# - backward, given $dZ = \partial L / \partial Z$: $dA_{prev} = dZ\,W$, $dW = dZ^T A_{prev}$
#   and $db$ = the sum of the rows of $dZ$; through the activation,
#   $dZ = dA \odot g'(Z)$.
#
# Below: the slide's network ($x = {{hidden_layer.x}}$, $y = {{hidden_layer.y}}$,
# $\theta_1 = {{hidden_layer.theta1}}$, $\theta_2 = {{hidden_layer.theta2}}$, no biases,
# {{hidden_layer.activation}} on both layers), one layer at a time, forward and then backward.
# The slide prints $z_1 = {{hidden_layer.z1}}$, $a_1 = {{hidden_layer.a1}}$,
# $z_2 = {{hidden_layer.z2}}$, $a_2 = {{hidden_layer.a2}}$;
# $\partial L/\partial z_2 = {{hidden_layer.dloss_dz2}}$,
# $\partial L/\partial \theta_2 = {{hidden_layer.dloss_dtheta2}}$,
# $\partial L/\partial a_1 = {{hidden_layer.dloss_da1}}$,
# $\partial L/\partial z_1 = {{hidden_layer.dloss_dz1}}$ and
# $\partial L/\partial \theta_1 = {{hidden_layer.dloss_dtheta1}}$. (The slide multiplies
# rounded numbers, so the last digit of $\partial L/\partial \theta_2$ can differ from what
# your code prints.)

# %% [solution] layers

# %%
from nnbasics.layers import activation_backward, activation_forward, dense_backward, dense_forward

x_one = np.array({{hidden_layer.x}})
theta1 = np.array({{hidden_layer.theta1}})
theta2 = np.array({{hidden_layer.theta2}})
z1, dense1 = dense_forward(x_one, theta1, np.array({{hidden_layer.b1}}))
a1, act1 = activation_forward(z1, {{hidden_layer.activation}})
z2, dense2 = dense_forward(a1, theta2, np.array({{hidden_layer.b2}}))
a2, act2 = activation_forward(z2, {{hidden_layer.activation}})
print("forward:  z1", z1.round(2), " a1", a1.round(2), " z2", z2.round(2), " a2", a2.round(2))

dz2 = activation_backward(binary_cross_entropy_grad(a2, np.array({{hidden_layer.y}})), act2)
da1, dtheta2, _ = dense_backward(dz2, dense2)
dz1 = activation_backward(da1, act1)
_, dtheta1, _ = dense_backward(dz1, dense1)
print("backward: dz2", dz2.round(2), " dtheta2", dtheta2.round(2), " da1", da1.round(2))
print("          dz1", dz1.round(2), " dtheta1", dtheta1.round(2).tolist())

# %% [check] layers

# %% [markdown]
# ## Part 6: A feed-forward network, and XOR with three neurons
#
# *Slides 7a, "Alternative notation", "Feed-forward networks".* Stack layers and you get a
# network: each layer's output is the next one's input, and the backward pass visits the
# layers in reverse. The slide ({{xor_network.slides}}) solves XOR with two hidden sigmoid
# neurons and one output neuron:
# $\theta = {{xor_network.theta}}$, $b_\theta = {{xor_network.b_theta}}$,
# $\lambda = {{xor_network.lambda}}$, $b_\lambda = {{xor_network.b_lambda}}$.

# %% [solution] network

# %%
from nnbasics.network import XOR_PARAMS, collapse_linear, forward, loss_and_grads

xor_out, _ = forward(X_XOR, XOR_PARAMS, ["sigmoid", "sigmoid"])
for point, out in zip(X_XOR, xor_out[:, 0]):
    print(f"x = {point}   y_hat = {out:.3f}   so XOR = {int(out > 0.5)}")

# %% [markdown]
# How the three neurons share the work: each hidden neuron draws one line and fires on one
# side of it (red: where its output is 0.5); the output neuron fires when either of them
# does. Together they cut out the two corners where XOR is 1.

# %%
grid_out, _ = forward(GRID_X, XOR_PARAMS, ["sigmoid", "sigmoid"])
(W1, b1), _ = XOR_PARAMS
hidden, _ = activation_forward(dense_forward(GRID_X, W1, b1)[0], "sigmoid")
panels = [
    (hidden[:, 0], r"hidden neuron 1: $\sigma(\theta_{1} x + b_{\theta 1})$"),
    (hidden[:, 1], r"hidden neuron 2: $\sigma(\theta_{2} x + b_{\theta 2})$"),
    (grid_out[:, 0], r"output: $\sigma(\lambda a + b_\lambda)$"),
]
fig, axes = plt.subplots(1, 3, figsize=(14, 4.6))
for ax, (values, title) in zip(axes, panels):
    region = values.reshape(G1.shape)
    ax.contourf(G1, G2, region, levels=np.linspace(0.0, 1.0, 11), cmap="Blues", alpha=0.7)
    ax.contour(G1, G2, region, levels=[0.5], colors="C3")
    show_points(ax, Y_XOR, title)
plt.tight_layout()
plt.show()

# %% [markdown]
# *Slides 7a, "Are non-linearities essential?"* Yes: without them every layer is a matrix
# product, and a product of matrices is one matrix, $\theta = \theta_n \cdots \theta_1$. Three
# linear layers compute exactly what one does.

# %%
rng = np.random.default_rng(1)
weights = [rng.normal(size=(4, 2)), rng.normal(size=(3, 4)), rng.normal(size=(1, 3))]
linear_layers = [(W, np.zeros(W.shape[0])) for W in weights]
deep, _ = forward(X_XOR, linear_layers, ["linear", "linear", "linear"])
print("three linear layers:", deep[:, 0])
print("one matrix:         ", (X_XOR @ collapse_linear(weights).T)[:, 0])

# %% [check] network

# %% [markdown]
# ## Part 7: Checking gradients numerically
#
# *Slides 7b, "Training neural networks".* A backward pass is easy to get subtly wrong, and
# training with a wrong gradient often still *seems* to work. Central differences give an
# independent estimate of each partial derivative,
# $\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$,
# and a correct analytic gradient agrees with it to a relative error below $10^{-6}$ in
# float64 (the grader's threshold for your backward passes). Below, your numerical
# gradient checks your network's backward pass, and then catches a gradient that forgot
# the $1/m$ of the mean.

# %% [solution] gradcheck

# %%
from nnbasics.gradcheck import numerical_gradient, relative_error

rng = np.random.default_rng(2)
X_check = rng.normal(size=(5, 3))
y_check = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
acts_check = ["tanh", "sigmoid"]
params_check = [
    (rng.normal(size=(4, 3)), rng.normal(size=4)),
    (rng.normal(size=(1, 4)), np.zeros(1)),
]
_, grads_check = loss_and_grads(X_check, y_check, params_check, acts_check)
for layer, (W, _) in enumerate(params_check):
    numeric_dW = numerical_gradient(
        lambda _: loss_and_grads(X_check, y_check, params_check, acts_check)[0], W
    )
    error = relative_error(grads_check[layer][0], numeric_dW)
    print(f"layer {layer + 1}: relative error of dW {error:.1e}")
print(f"a dW that forgot the 1/m: {relative_error(5 * grads_check[1][0], numeric_dW):.1e}")

# %% [check] gradcheck

# %% [markdown]
# ## Part 8: Training with gradient descent
#
# *Slides 7b, "Learning in logistic regression".* Training repeats a forward pass, a
# backward pass and a small step against the gradient, $W \leftarrow W - \eta\,dW$ and
# $b \leftarrow b - \eta\,db$, starting from small random weights (scaled by
# $1/\sqrt{n_{in}}$) so that the neurons start out different. Here a network with four tanh
# neurons learns XOR from its four examples.

# %% [solution] train

# %%
from nnbasics.train import init_params, predict, train

acts = ["tanh", "sigmoid"]
trained, loss_curve = train(X_XOR, Y_XOR, [2, 4, 1], acts, learning_rate=0.5, epochs=5000)
print("predictions:", predict(X_XOR, trained, acts), "  labels:", Y_XOR.astype(int))
print(f"loss: {loss_curve[0]:.3f} at first, {loss_curve[-1]:.5f} after {len(loss_curve)} epochs")

fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.semilogy(loss_curve)
ax.set(xlabel="epoch", ylabel="loss (log scale)", title="Training XOR: the loss")
plt.show()

# %% [markdown]
# The decision boundary while the network learns: the output neuron's 0.5 line (red) after
# 0, 200, 1000 and 5000 epochs, from the same random start.

# %%
snapshots = [(0, init_params([2, 4, 1], seed=0))]
snapshots += [(n, train(X_XOR, Y_XOR, [2, 4, 1], acts, epochs=n)[0]) for n in (200, 1000)]
snapshots.append((5000, trained))
regions = [(epochs, forward(GRID_X, snapshot, acts)[0][:, 0]) for epochs, snapshot in snapshots]
fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
for ax, (epochs, outputs) in zip(axes, regions):
    region = outputs.reshape(G1.shape)
    ax.contourf(G1, G2, region, levels=np.linspace(0.0, 1.0, 11), cmap="Blues", alpha=0.7)
    ax.contour(G1, G2, region, levels=[0.5], colors="C3")
    show_points(ax, Y_XOR, f"after {epochs} epochs")
plt.tight_layout()
plt.show()

# %% [check] train

# %% [markdown]
# ## Done
#
# All eight parts together make a small deep-learning library: activations, a loss, layers
# with their backward passes, a network, a gradient checker and a training loop. Before you
# hand in, run the whole notebook again from the top, and the full public tests with
# `pytest` in a terminal.
