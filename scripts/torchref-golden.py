#!/usr/bin/env python3
"""Golden values for model/torchref_test.go from PyTorch itself.

Builds shared/bench/torch_ref.py's Seq2Seq at a tiny shape in float64 with
seeded random weights, runs one teacher-forced batch (its make_batches data),
and writes the weights, the batch, the mean cross-entropy loss and every
parameter's gradient, under s2s's parameter names, as JSON. The Go test loads
the weights into s2s's reference configuration and must reproduce the loss
and gradients.

Usage: /usr/bin/python3 scripts/torchref-golden.py PATH/torch_ref.py OUTDIR
(Debian's python3-torch; run once; the JSON is committed with its provenance.)
"""
import importlib.util
import json
import sys

ref, outdir = sys.argv[1], sys.argv[2]
SHAPE = ["--emb", "4", "--hidden", "3", "--dec-hidden", "5", "--vocab", "11",
         "--batch", "2", "--src-len", "3", "--tgt-len", "4"]


def load(cell):
    sys.argv = [ref, "--cell", cell] + SHAPE
    spec = importlib.util.spec_from_file_location("torch_ref_" + cell, ref)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def names(cell):
    """torch_ref.py's parameter names → s2s's."""
    n = {"src_emb.weight": "encoder.embedding.weight", "tgt_emb.weight": "decoder.embedding.weight",
         "bridge.weight": "decoder.bridge.weight", "bridge.bias": "decoder.bridge.bias",
         "attention.key_layer.weight": "decoder.attention.key_layer.weight",
         "attention.query_layer.weight": "decoder.attention.query_layer.weight",
         "attention.energy_layer.weight": "decoder.attention.energy_layer.weight",
         "att_vector.weight": "decoder.att_vector.weight", "att_vector.bias": "decoder.att_vector.bias",
         "output.weight": "decoder.output.weight"}
    for tw, ow in [("weight_ih", "W_ih"), ("weight_hh", "W_hh"), ("bias_ih", "b_ih"), ("bias_hh", "b_hh")]:
        n[f"encoder.{tw}_l0"] = f"encoder.layers.0.fwd.{ow}"
        n[f"encoder.{tw}_l0_reverse"] = f"encoder.layers.0.bwd.{ow}"
        n[f"decoder.{tw}_l0"] = f"decoder.layers.0.{ow}"
    return n


for cell in ["gru", "lstm"]:
    m = load(cell)
    torch, F = m.torch, m.F
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(20261127)
    model = m.Seq2Seq(m.ARGS).double()
    with torch.no_grad():  # make every weight non-trivial, the PAD rows too
        for p in model.parameters():
            p.uniform_(-0.8, 0.8)
    gen = torch.Generator().manual_seed(5)
    src, tgt_in, tgt_out = m.make_batches(m.ARGS, 1, gen)[0]
    logits = model.forward_train(src, tgt_in)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1), ignore_index=m.PAD)
    loss.backward()
    mapping = names(cell)
    params = {}
    for name, p in model.named_parameters():
        params[mapping[name]] = {"shape": list(p.shape), "weight": p.detach().reshape(-1).tolist(),
                                 "grad": p.grad.reshape(-1).tolist()}
    out = {"about": "PyTorch " + torch.__version__ + ", float64, shared/bench/torch_ref.py Seq2Seq (fused decoder) with "
           + " ".join(SHAPE) + " --cell " + cell + "; weights U(-0.8, 0.8) seed 20261127; batch make_batches seed 5; "
           "loss = mean cross-entropy; written by scripts/torchref-golden.py",
           "cell": cell, "src": src.tolist(), "tgt_in": tgt_in.tolist(), "tgt_out": tgt_out.tolist(),
           "loss": loss.item(), "params": params}
    with open(f"{outdir}/{cell}.json", "w") as f:
        json.dump(out, f, indent=1)
    print(cell, "loss", loss.item())
