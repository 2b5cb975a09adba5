// Package rundir owns the layout of a run directory and of the model
// directories s2s reads and writes: their file names, runs/latest, turning
// a checkpoint path into its run, the manifest that makes a model's files
// verifiable, a model's identity, and opening and saving models.
//
// A run directory runs/<name>/ holds
//
//	config.yaml          the resolved experiment file
//	tokenizer.src.json   tokenizers, Hugging Face format
//	tokenizer.tgt.json
//	model.safetensors    the best weights so far
//	manifest.json        SHA-256 of the four files above, and the precision
//	data/                the encoded-corpus cache
//	checkpoints/step-N/  weights, optimizer state, trainer state, manifest
//	metrics.jsonl        one JSON object per event
//	test.hyp             what `s2s eval` last translated
//
// A model directory is any of: a run directory, a checkpoint inside one
// (recognised by its path, runs/<name>/checkpoints/step-N, its config and
// tokenizers two levels up), or what Save writes (the four model files and
// their manifest alone).
//
// The run root's manifest lists only what a model is. It is replaced
// together with the weights, under an exclusive lock on the directory,
// and readers verify under a shared lock, so a reader never pairs new
// weights with an old manifest.
package rundir
