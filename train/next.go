package train

import "github.com/s2s-nmt/s2s/model"

// next gathers the batches of the next update (training.accumulate of
// them), or returns nil when training.epochs is reached.
func (t *Trainer) next() (*update, error) {
	c := t.cfg.Training
	u := &t.upd
	u.batches, u.tokens = u.batches[:0], 0
	for i := range c.Accumulate {
		pos := t.data.batcher.Position()
		epoch := pos.Epoch + 1
		if pos.Batch >= t.data.batcher.EpochBatches() {
			epoch++
		}
		if c.Epochs > 0 && epoch > c.Epochs {
			if i == 0 {
				return nil, nil
			}
			break
		}
		b := t.data.batcher.Next()
		for len(t.bufs) <= i {
			t.bufs = append(t.bufs, &model.Batch{})
		}
		idx := make([]int, len(b.Src))
		for j := range idx {
			idx[j] = j
		}
		fillBatch(t.bufs[i], b.Src, b.Tgt, idx)
		u.batches = append(u.batches, t.bufs[i])
		u.tokens += batchTokens(t.bufs[i])
		u.epoch = epoch
	}
	return u, nil
}
