"""Prints PyTorch's repr of a model state dict, optimizer state dicts and a grad_fn.

The reference strings for PyReprTest (runtime/src/test/resources/pyrepr/torch_repr.txt):
    python3 tools/pyrepr/state_dict_repr.py > runtime/src/test/resources/pyrepr/torch_repr.txt
Options are passed as floats where Adjoint documents them as doubles (see PyRepr's Javadoc).
"""
import torch

torch.set_printoptions(profile="default")

lin = torch.nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[0.5, -1.25]]))
    lin.bias.copy_(torch.tensor([0.125]))
print("model:", lin.state_dict())

seq = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
with torch.no_grad():
    seq[0].weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    seq[0].bias.copy_(torch.tensor([0.0, -1.0]))
    seq[2].weight.copy_(torch.tensor([[0.25, 0.75]]))
    seq[2].bias.copy_(torch.tensor([2.0]))
print("sequential:", seq.state_dict())

sgd = torch.optim.SGD(lin.parameters(), lr=0.01, momentum=0.9, dampening=0.0,
                      weight_decay=0.0, nesterov=False, maximize=False)
print("sgd fresh:", sgd.state_dict())
lin.weight.grad = torch.tensor([[1.0, 2.0]])
lin.bias.grad = torch.tensor([0.5])
sgd.step()
print("sgd stepped:", sgd.state_dict())

adam = torch.optim.Adam(lin.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-08,
                        weight_decay=0.0, amsgrad=False, maximize=False)
print("adam fresh:", adam.state_dict())
adam.step()
print("adam stepped:", adam.state_dict())

x = torch.tensor([2.0], requires_grad=True)
print("grad_fn:", (x * x).grad_fn)
print("grad_fn add:", (x + x).grad_fn)
print("floats:", [0.1, 1e-08, 1e-05, 0.0001, 1e16, 1e15, 123456789.0, 3.0, -0.0, float('inf'),
                  float('nan'), 2.5e-07, 1.7976931348623157e308])
print("none and strings:", {'foreach': None, 'name': "it's", 'flag': True})
