# The PyTorch reference of the SASRec and GRU4Rec training steps, NOT part of the build.
#
# `streamrec.jar bench train` measures each family's optimiser steps/s through DJL; this script runs
# the same step, written directly in PyTorch, at the same shapes and thread count, so the two can be
# compared (docs/training.md, "Training throughput against PyTorch"). The step is the project's
# defaults for MovieLens latest-small: d = 64, L = 50, 2 layers, 1 head, dropout 0.2, batch 128, a
# loss on every position; sampled softmax over 512 negatives shared by the batch, drawn uniformly
# with replacement, log-Q corrected, a negative equal to a row's target masked; AdamW lr 1e-3 (no
# weight decay, no clipping: the defaults; --weight-decay and --clip-norm as the engine's options). The SASRec block is the project's: pre-LayerNorm layers,
# learned positions (the newest item at position L-1), items scaled by sqrt(d), a final LayerNorm,
# the item table shared by input and output. GRU4Rec: dropout, a 2-layer GRU (dropout between
# layers), dropout. Batches are made before timing; the time is forward, loss, backward and update
# alone, as the engine's steps/s is.
#
# usage: python3 docs/training-step-reference.py [--model sasrec|gru4rec] [--steps 100] [--threads 2]
#        [--items 9742] [--loss sampled|full|bce] [--negatives 512] [--dim 64] [--max-len 50]
#        [--layers 2] [--heads 1] [--dropout 0.2] [--batch-size 128] [--lr 1e-3] [--weight-decay 0] [--clip-norm 0]
# (bce: the SASRec paper's, --negatives of their own per position). `bench train --pytorch <this file>`
# runs it with each measured model's own shapes and prints it beside DJL's row.
import argparse, math, time
import torch, torch.nn as nn, torch.nn.functional as F

cli = argparse.ArgumentParser(description="PyTorch reference of the SASRec / GRU4Rec training step")
cli.add_argument("--model", default="sasrec", choices=["sasrec", "gru4rec"])
cli.add_argument("--steps", type=int, default=100)
cli.add_argument("--threads", type=int, default=2)
cli.add_argument("--items", type=int, default=9742)
cli.add_argument("--loss", default="sampled", choices=["sampled", "full", "bce"])
cli.add_argument("--negatives", type=int, default=None)
cli.add_argument("--dim", type=int, default=64)
cli.add_argument("--max-len", type=int, default=50)
cli.add_argument("--layers", type=int, default=2)
cli.add_argument("--heads", type=int, default=1)
cli.add_argument("--dropout", type=float, default=0.2)
cli.add_argument("--batch-size", type=int, default=128)
cli.add_argument("--lr", type=float, default=1e-3)
cli.add_argument("--weight-decay", type=float, default=0.0)
cli.add_argument("--clip-norm", type=float, default=0.0)
o = cli.parse_args()
model_name, steps, threads, n_items, loss_kind = o.model, o.steps, o.threads, o.items, o.loss
D, L, LAYERS, HEADS, DROPOUT, B, LR = o.dim, o.max_len, o.layers, o.heads, o.dropout, o.batch_size, o.lr
S = 0 if loss_kind == "full" else o.negatives if o.negatives is not None else 1 if loss_kind == "bce" else 512
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
torch.manual_seed(42)


class SasRecLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention_norm, self.feed_forward_norm = nn.LayerNorm(D), nn.LayerNorm(D)
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.inner, self.outer = nn.Linear(D, D), nn.Linear(D, D)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, x, keep, attention_mask):
        h = self.attention_norm(x)
        b, t, dh = h.shape[0], h.shape[1], D // HEADS
        q, k, v = (f(h).view(b, t, HEADS, dh).transpose(1, 2) for f in (self.q, self.k, self.v))  # (B, h, T, dh)
        logits = q @ k.transpose(2, 3) / math.sqrt(dh) + attention_mask.unsqueeze(1)  # (B, h, T, T)
        a = self.o((self.drop(logits.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, D))
        y = x + self.drop(a)
        f = self.outer(self.drop(torch.relu(self.inner(self.feed_forward_norm(y)))))
        return (y + self.drop(f)) * keep


class SasRec(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.randn(n_items + 1, D) * 0.02)
        self.positions = nn.Parameter(torch.randn(L, D) * 0.02)
        self.layers = nn.ModuleList(SasRecLayer() for _ in range(LAYERS))
        self.final_norm = nn.LayerNorm(D)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, seq):
        mask = (seq > 0).float()
        keep = mask.unsqueeze(2)
        causal = torch.triu(torch.full((L, L), -1e9), 1)
        attention_mask = causal + (1 - mask.unsqueeze(1)) * -1e9  # no future, no padding keys
        x = self.drop((self.table[seq] * math.sqrt(D) + self.positions) * keep)
        for layer in self.layers:
            x = layer(x, keep, attention_mask)
        return self.final_norm(x) * keep


class Gru4Rec(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.randn(n_items + 1, D) * 0.02)
        self.gru = nn.GRU(D, D, num_layers=LAYERS, dropout=DROPOUT, batch_first=True)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, seq):
        keep = (seq > 0).float().unsqueeze(2)
        h, _ = self.gru(self.drop(self.table[seq] * keep))
        return self.drop(h) * keep


def loss_fn(hidden, table, targets):
    h, tgt = hidden.reshape(-1, D), targets.reshape(-1)
    counted = (tgt > 0).float()
    if loss_kind == "full":
        picked = (h @ table.T).log_softmax(-1).gather(1, tgt.unsqueeze(1)).squeeze(1)
        return -(picked * counted).sum() / counted.sum().clamp(min=1)
    if loss_kind == "bce":  # the SASRec paper's: negatives of its own for every position
        drawn = torch.randint(1, n_items + 1, (tgt.shape[0], S))
        neg = (table[drawn] * h.unsqueeze(1)).sum(2)  # (M, S)
        per = F.softplus(-(h * table[tgt]).sum(1)) + (F.softplus(neg) * (drawn != tgt.unsqueeze(1)).float()).sum(1)
        return (per * counted).sum() / counted.sum().clamp(min=1)
    negatives = torch.randint(1, n_items + 1, (S,))
    pos = (h * table[tgt]).sum(1, keepdim=True)
    neg = h @ table[negatives].T
    log_q = math.log(S / n_items)  # uniform: log(S * q_i)
    neg = neg - log_q + (tgt.unsqueeze(1) == negatives.unsqueeze(0)).float() * -1e9
    picked = torch.cat([pos, neg], 1).log_softmax(-1)[:, 0]
    return -(picked * counted).sum() / counted.sum().clamp(min=1)


model = SasRec() if model_name == "sasrec" else Gru4Rec()
# decoupled weight decay on matrices and tables only, as the project's AdamW
decayed = [p for p in model.parameters() if p.dim() >= 2]
kept = [p for p in model.parameters() if p.dim() < 2]
optimiser = torch.optim.AdamW([{"params": decayed, "weight_decay": o.weight_decay},
                               {"params": kept, "weight_decay": 0.0}], lr=LR)
model.train()
# windows shaped like the bundled MovieLens ones: left-padded, 0 to L-1 leading pads
batches = []
for _ in range(min(steps, 50)):
    seq = torch.randint(1, n_items + 1, (B, L + 1))
    pads = torch.randint(0, L, (B,))
    seq[torch.arange(L + 1).unsqueeze(0) < pads.unsqueeze(1)] = 0
    batches.append((seq[:, :-1].contiguous(), seq[:, 1:].contiguous()))


def step(seq, targets):
    optimiser.zero_grad(set_to_none=True)
    loss = loss_fn(model(seq), model.table, targets)
    loss.backward()
    if o.clip_norm > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), o.clip_norm)
    optimiser.step()
    return loss.item()


for i in range(5):  # warm-up, not timed
    step(*batches[i % len(batches)])
start = time.perf_counter()
for i in range(steps):
    last = step(*batches[i % len(batches)])
elapsed = time.perf_counter() - start
print(f"pytorch {torch.__version__} {model_name} loss={loss_kind} negatives={S} threads={threads} "
      f"items={n_items} d={D} L={L} layers={LAYERS} heads={HEADS} batch={B}: {steps} steps in {elapsed:.2f} s, {steps / elapsed:.2f} steps/s, "
      f"{steps * B / elapsed:.0f} sequences/s (last loss {last:.3f})")
