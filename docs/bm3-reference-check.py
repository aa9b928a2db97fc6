# Independent cross-check of the BM3 / LightGCN numbers in docs/results-bm3.md, NOT part of the build.
#
# A compact PyTorch re-statement of the papers' own formulation (the BM3 and LightGCN models, losses,
# EmbLoss regulariser, BPR with one uniform unseen negative, Adam 1e-3, batch 2048, emb 64, early
# stopping on validation Recall@20 with patience 20, at most 200 epochs), written from the authors'
# public MMRec code, so that "BM3 trails LightGCN on MovieLens" can be told apart from a bug in the
# Java port. Same protocol as the Java runs: per-user random 8:1:1 split (its own RNG, so not the
# identical split), full ranking with training items masked, multi-target Recall/NDCG.
#
# Needs python3 with torch, numpy and scipy (CPU wheels) and the MiniLM features written by
# `streamrec.jar featurize --output features` (title.tsv.gz, tags.tsv.gz; FEATURES=dir to change).
# usage: python3 docs/bm3-reference-check.py bm3|lightgcn RATINGS_CSV [layers] [seed]
import os, sys, gzip, random, time, collections
import numpy as np, scipy.sparse as sp, torch, torch.nn as nn, torch.nn.functional as F

model_name, path = sys.argv[1], sys.argv[2]
n_layers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 999
torch.set_num_threads(2)
random.seed(seed); np.random.seed(seed); torch.manual_seed(seed)

by_user = collections.defaultdict(list)
with open(path) as f:
    header = f.readline().strip().split(',')
    ic = 1
    for line in f:
        p = line.strip().split(',')
        by_user[p[0]].append(p[ic])
users = sorted(by_user)
items = sorted({i for v in by_user.values() for i in v}, key=int)
uid = {u: k for k, u in enumerate(users)}; iid = {i: k for k, i in enumerate(items)}
nu, ni = len(users), len(items)
rng = random.Random(seed)
train, valid, test = [], collections.defaultdict(list), collections.defaultdict(list)
for u in users:
    its = list(dict.fromkeys(by_user[u])); rng.shuffle(its)
    n = len(its)
    nv = max(1, int(round(0.1 * n))); nt = max(1, int(round(0.1 * n)))
    for i in its[:n - nv - nt]: train.append((uid[u], iid[i]))
    for i in its[n - nv - nt:n - nt]: valid[uid[u]].append(iid[i])
    for i in its[n - nt:]: test[uid[u]].append(iid[i])
train = np.array(train)
print(f"users {nu} items {ni} train {len(train)} valid {sum(map(len, valid.values()))} test {sum(map(len, test.values()))}")
train_set = collections.defaultdict(set)
for u, i in train: train_set[u].add(i)

def feat(name):
    m = np.zeros((ni, 384), dtype=np.float32)
    with gzip.open(os.path.join(os.environ.get('FEATURES', 'features'), f'{name}.tsv.gz'), 'rt') as f:
        for line in f:
            k, v = line.rstrip('\n').split('\t')
            if k in iid: m[iid[k]] = np.array(v.split(' '), dtype=np.float32)
    return torch.from_numpy(m)

def norm_adj():
    A = sp.coo_matrix((np.ones(len(train)), (train[:, 0], train[:, 1] + nu)), shape=(nu + ni, nu + ni))
    A = (A + A.T).tocsr(); A.data[:] = 1.0
    d = np.power(np.asarray(A.sum(axis=1)).flatten() + 1e-7, -0.5)
    L = sp.coo_matrix(sp.diags(d) @ A @ sp.diags(d))
    return torch.sparse_coo_tensor(np.array([L.row, L.col]), torch.FloatTensor(L.data), L.shape).coalesce()

def emb_loss(*es):
    return sum(torch.norm(e, p=2) for e in es) / es[-1].shape[0]

class LightGCN(nn.Module):
    def __init__(s):
        super().__init__(); s.adj = norm_adj()
        s.u = nn.Parameter(nn.init.xavier_uniform_(torch.empty(nu, 64)))
        s.i = nn.Parameter(nn.init.xavier_uniform_(torch.empty(ni, 64)))
    def forward(s):
        e = torch.cat([s.u, s.i]); all_e = [e]
        for _ in range(n_layers): e = torch.sparse.mm(s.adj, e); all_e.append(e)
        e = torch.stack(all_e, 1).mean(1); return e[:nu], e[nu:]
    def loss(s, u, p, n):
        ue, ie = s.forward()
        ps, ns = (ue[u] * ie[p]).sum(1), (ue[u] * ie[n]).sum(1)
        return -torch.log(1e-10 + torch.sigmoid(ps - ns)).mean() + 1e-4 * emb_loss(s.u[u], s.i[p], s.i[n])
    def scores(s):
        ue, ie = s.forward(); return ue @ ie.T

class BM3(nn.Module):
    def __init__(s, dropout=0.5, reg=0.1, cl=2.0):
        super().__init__(); s.adj = norm_adj(); s.dropout, s.reg, s.cl = dropout, reg, cl
        s.u = nn.Embedding(nu, 64); s.i = nn.Embedding(ni, 64)
        nn.init.xavier_uniform_(s.u.weight); nn.init.xavier_uniform_(s.i.weight)
        s.pred = nn.Linear(64, 64); nn.init.xavier_normal_(s.pred.weight)
        s.feats = nn.ModuleList(); s.trs = nn.ModuleList()
        for name in ('title', 'tags'):
            s.feats.append(nn.Embedding.from_pretrained(feat(name), freeze=False))
            t = nn.Linear(384, 64); nn.init.xavier_normal_(t.weight); s.trs.append(t)
    def forward(s):
        e = torch.cat([s.u.weight, s.i.weight]); all_e = [e]
        for _ in range(n_layers): e = torch.sparse.mm(s.adj, e); all_e.append(e)
        e = torch.stack(all_e, 1).mean(1); return e[:nu], e[nu:] + s.i.weight
    def loss(s, u, p, n):
        uo, io = s.forward()
        fo = [t(f.weight) for f, t in zip(s.feats, s.trs)]
        with torch.no_grad():
            ut, it = F.dropout(uo.clone(), s.dropout), F.dropout(io.clone(), s.dropout)
            ft = [F.dropout(x.clone(), s.dropout) for x in fo]
        up, ip = s.pred(uo)[u], s.pred(io)[p]
        ut, it = ut[u], it[p]
        cl = 0.0
        for x, xt in zip(fo, ft):
            xp = s.pred(x)[p]
            cl = cl + (1 - F.cosine_similarity(xp, it, dim=-1).mean()) + (1 - F.cosine_similarity(xp, xt[p], dim=-1).mean())
        l = (1 - F.cosine_similarity(up, it, dim=-1).mean()) + (1 - F.cosine_similarity(ip, ut, dim=-1).mean())
        return l + s.reg * emb_loss(uo, io) + s.cl * cl
    def scores(s):
        uo, io = s.forward(); return s.pred(uo) @ s.pred(io).T

def evaluate(m, target):
    m.eval()
    with torch.no_grad():
        sc = m.scores()
        for u, its in train_set.items(): sc[u, list(its)] = -1e10
        top = torch.topk(sc, 20, dim=1).indices.numpy()
    m.train()
    res = {}
    for k in (10, 20):
        rec, nd = [], []
        for u, t in target.items():
            ts = set(t); hit = [1 if i in ts else 0 for i in top[u, :k]]
            rec.append(sum(hit) / len(ts))
            dcg = sum(h / np.log2(r + 2) for r, h in enumerate(hit))
            idcg = sum(1 / np.log2(r + 2) for r in range(min(len(ts), k)))
            nd.append(dcg / idcg)
        res[f'R@{k}'], res[f'N@{k}'] = np.mean(rec), np.mean(nd)
    return res

m = BM3() if model_name == 'bm3' else LightGCN()
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
best, best_ep, best_test, wait, times = -1, 0, None, 0, []
for ep in range(200):
    t0 = time.time(); perm = np.random.permutation(len(train)); tot = 0
    for b in range(0, len(train), 2048):
        idx = perm[b:b + 2048]; u = torch.LongTensor(train[idx, 0]); p = torch.LongTensor(train[idx, 1])
        neg = []
        for uu in train[idx, 0]:
            while True:
                j = random.randrange(ni)
                if j not in train_set[uu]: break
            neg.append(j)
        loss = m.loss(u, p, torch.LongTensor(neg))
        opt.zero_grad(); loss.backward(); opt.step(); tot += loss.item()
    times.append(time.time() - t0)
    v = evaluate(m, valid)
    if v['R@20'] > best:
        best, best_ep, wait, best_test = v['R@20'], ep, 0, evaluate(m, test)
    else:
        wait += 1
    print(f"epoch {ep} loss {tot:.4f} valid R@20 {v['R@20']:.4f} ({times[-1]:.2f}s)", flush=True)
    if wait >= 20: break
print(f"RESULT {model_name} L={n_layers} best epoch {best_ep} of {ep + 1} valid R@20 {best:.4f} test "
      + ' '.join(f'{k} {x:.4f}' for k, x in best_test.items()) + f" {np.mean(times):.2f} s/epoch")
