"""A reference OPT in plain PyTorch (no transformers: Debian has none), written from OPT's
published architecture as Hugging Face's OPTForCausalLM / OPTForSequenceClassification compute it:

- token embeddings (padding_idx = pad), project_in/project_out where word_embed_proj_dim != hidden
  (the opt-350m layout), learned positions with offset 2 whose ids come from the attention mask
  (cumsum(mask) * mask - 1), causal + padding additive mask (dtype minimum), ReLU;
- pre-norm (do_layer_norm_before, opt-125m) or post-norm (opt-350m, no final layer norm);
- tied LM head; classification head ("score", no bias) on the last non-pad token;
- LoRA on chosen linears: y = base(x) + (alpha/r) * dropout(x) A^T B^T, A kaiming-uniform, B zero.

Shapes: B batch, T sequence, C hidden, Cp embedding width, H heads, D = C/H, V vocabulary.

Run as `python3 bench/reference_opt.py --check [fixtures-dir]` to compare its logits with the
Hugging Face goldens in test/fixtures/reference (the same goldens our engine is tested against).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

POSITION_OFFSET = 2


class Config:
    """The OPT config.json fields the model reads, with OPTConfig's defaults."""

    def __init__(self, j):
        self.vocab_size = j["vocab_size"]
        self.hidden = j["hidden_size"]
        self.proj_dim = j.get("word_embed_proj_dim", self.hidden)
        self.layers = j["num_hidden_layers"]
        self.heads = j["num_attention_heads"]
        self.ffn = j["ffn_dim"]
        self.max_positions = j["max_position_embeddings"]
        self.pre_norm = j.get("do_layer_norm_before", True)
        self.final_norm = self.pre_norm and not j.get("_remove_final_layer_norm", False)
        self.bias = j.get("enable_bias", True)
        self.dropout = j.get("dropout", 0.1)
        self.pad = j.get("pad_token_id", 1)


class LoraLinear(nn.Module):
    """Keeps the base linear; adds the low-rank branch scaled by alpha / r."""

    def __init__(self, base, r, alpha, dropout):
        super().__init__()
        self.base = base
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + (self.drop(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scaling


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg.hidden
        self.heads = cfg.heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(c, c, bias=cfg.bias) for _ in range(4))

    def forward(self, x, bias):  # x [B, T, C], bias [B, 1, T, T]
        b, t, c = x.shape
        d = c // self.heads
        split = lambda y: y.view(b, t, self.heads, d).transpose(1, 2)  # [B, H, T, D]
        q = split(self.q_proj(x) * d ** -0.5)
        k, v = split(self.k_proj(x)), split(self.v_proj(x))
        probs = torch.softmax(q @ k.transpose(-1, -2) + bias, dim=-1)  # [B, H, T, T]
        return self.out_proj((probs @ v).transpose(1, 2).reshape(b, t, c))


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.pre = cfg.pre_norm
        self.self_attn = Attention(cfg)
        self.self_attn_layer_norm = nn.LayerNorm(cfg.hidden)
        self.fc1 = nn.Linear(cfg.hidden, cfg.ffn, bias=cfg.bias)
        self.fc2 = nn.Linear(cfg.ffn, cfg.hidden, bias=cfg.bias)
        self.final_layer_norm = nn.LayerNorm(cfg.hidden)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, h, bias):
        x = self.self_attn_layer_norm(h) if self.pre else h
        h = h + self.drop(self.self_attn(x, bias))
        if not self.pre:
            h = self.self_attn_layer_norm(h)
        x = self.final_layer_norm(h) if self.pre else h
        h = h + self.drop(self.fc2(torch.relu(self.fc1(x))))
        return h if self.pre else self.final_layer_norm(h)


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.proj_dim, padding_idx=cfg.pad)
        self.embed_positions = nn.Embedding(cfg.max_positions + POSITION_OFFSET, cfg.hidden)
        if cfg.proj_dim != cfg.hidden:
            self.project_in = nn.Linear(cfg.proj_dim, cfg.hidden, bias=False)
            self.project_out = nn.Linear(cfg.hidden, cfg.proj_dim, bias=False)
        if cfg.final_norm:
            self.final_layer_norm = nn.LayerNorm(cfg.hidden)
        self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg.layers))

    def forward(self, ids, mask):  # ids, mask [B, T] int64 -> output [B, T, Cp], hidden states
        b, t = ids.shape
        x = self.embed_tokens(ids)
        if hasattr(self, "project_in"):
            x = self.project_in(x)
        positions = (torch.cumsum(mask, dim=1) * mask - 1) + POSITION_OFFSET
        h = x + self.embed_positions(positions)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        allowed = causal[None, None] & mask.bool()[:, None, None, :]  # [B, 1, T, T]
        bias = torch.zeros(allowed.shape, dtype=h.dtype).masked_fill(~allowed, torch.finfo(h.dtype).min)
        hidden = []
        for layer in self.layers:
            hidden.append(h)
            h = layer(h, bias)
        if hasattr(self, "final_layer_norm"):
            h = self.final_layer_norm(h)
        if hasattr(self, "project_out"):
            h = self.project_out(h)
        hidden.append(h)
        return h, hidden


class Opt(nn.Module):
    """`model.decoder` as in HF's parameter names; `score` present when num_labels is given."""

    def __init__(self, cfg, num_labels=None):
        super().__init__()
        self.model = nn.Module()
        self.model.decoder = Decoder(cfg)
        if num_labels is not None:
            self.score = nn.Linear(cfg.proj_dim, num_labels, bias=False)

    def add_lora(self, r, alpha, dropout, targets):
        for layer in self.model.decoder.layers:
            for name in targets:
                setattr(layer.self_attn, name, LoraLinear(getattr(layer.self_attn, name), r, alpha, dropout))

    def decode(self, ids, mask):
        return self.model.decoder(ids, mask)

    @staticmethod
    def last_rows(ids, pad):
        """Index of the last non-pad token per row (0 for an all-pad row), as HF picks it."""
        t = ids.shape[1]
        return (torch.arange(t) * (ids != pad).long()).argmax(-1)

    def last_hidden(self, ids, mask):  # [B, Cp]
        out, _ = self.decode(ids, mask)
        return out[torch.arange(ids.shape[0]), self.last_rows(ids, self.model.decoder.cfg.pad)]

    def lm_logits(self, ids, mask):  # [B, T, V]
        out, _ = self.decode(ids, mask)
        return out @ self.model.decoder.embed_tokens.weight.t()

    def class_logits(self, ids, mask):  # [B, labels]
        return self.score(self.last_hidden(ids, mask))

    def verbalizer_logits(self, ids, mask, token_ids):  # [B, K]: the tied LM head, K rows only
        return self.last_hidden(ids, mask) @ self.model.decoder.embed_tokens.weight[token_ids].t()


def read_safetensors(path):
    """name -> torch tensor (F32 / I64 / F16 / BF16), parsed with json + numpy."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    kinds = {"F32": np.float32, "I64": np.int64, "F16": np.float16, "I32": np.int32}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        buf = raw[8 + n + begin : 8 + n + end]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            arr = np.frombuffer(buf, dtype=np.dtype(kinds[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(arr.astype(arr.dtype.newbyteorder("="), copy=True)).reshape(info["shape"])
    return out


def load_fixture_model(case_dir, num_labels=None):
    cfg = Config(json.load(open(os.path.join(case_dir, "config.json"))))
    model = Opt(cfg, num_labels)
    state = {k if k.startswith("model.") else "model." + k: v for k, v in read_safetensors(os.path.join(case_dir, "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if m != "score.weight"]:
        raise RuntimeError(f"{case_dir}: missing {missing}, unexpected {unexpected}")
    return model.eval()


def check(root):
    """Max |ours - golden| per fixture case; returns False if any exceeds the fixtures' 1e-4."""
    ok = True
    for name in sorted(os.listdir(root)):
        case = os.path.join(root, name)
        files = ["config.json", "model.safetensors", "golden.safetensors"]
        if not all(os.path.exists(os.path.join(case, f)) for f in files):
            continue
        golden = read_safetensors(os.path.join(case, "golden.safetensors"))
        meta = json.load(open(os.path.join(case, "golden.json")))
        model = load_fixture_model(case, meta["num_labels"])
        model.score.weight.data.copy_(golden["cls.score.weight"])
        ids, mask = golden["input_ids"], golden["attention_mask"]
        with torch.no_grad():
            errs = {"lm": (model.lm_logits(ids, mask) - golden["lm.logits"]).abs().max().item(),
                    "cls": (model.class_logits(ids, mask) - golden["cls.logits"]).abs().max().item()}
            _, hidden = model.decode(ids, mask)
            errs["hidden"] = max((h - golden[f"lm.hidden.{i}"]).abs().max().item() for i, h in enumerate(hidden))
        ok &= all(e <= 1e-4 for e in errs.values())
        print(json.dumps({"case": name, **{f"{k}_max_err": v for k, v in errs.items()}}))
        ok &= check_lora(root, name, model, ids, mask)
    return ok


def check_lora(root, base_name, base, ids, mask):
    """LoRA cases whose golden.json names `base_name`: adapters from the golden, LM logits compared."""
    ok = True
    for name in sorted(os.listdir(root)):
        meta_path = os.path.join(root, name, "golden.json")
        if not os.path.exists(meta_path) or json.load(open(meta_path)).get("base") != base_name:
            continue
        meta = json.load(open(meta_path))
        golden = read_safetensors(os.path.join(root, name, "golden.safetensors"))
        model = load_fixture_model(os.path.join(root, base_name), 2)
        model.add_lora(meta["r"], meta["lora_alpha"], 0.0, [t for t in meta["target_modules"]])
        for key, value in golden.items():
            if key.startswith("param."):
                path = key[len("param."):].replace(".lora_A.default.weight", ".lora_A").replace(".lora_B.default.weight", ".lora_B")
                module_path, attr = path.rsplit(".", 1)
                getattr(model.get_submodule(module_path), attr).data.copy_(value)
        with torch.no_grad():
            err = (model.eval().lm_logits(ids, mask) - golden["lm.logits"]).abs().max().item()
        ok &= err <= 1e-4
        print(json.dumps({"case": name, "lm_max_err": err}))
    return ok


if __name__ == "__main__":
    if "--check" not in sys.argv:
        sys.exit("usage: python3 reference_opt.py --check [fixtures-dir]")
    i = sys.argv.index("--check")
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[i + 1] if len(sys.argv) > i + 1 else os.path.join(here, "..", "test", "fixtures", "reference")
    sys.exit(0 if check(root) else 1)
