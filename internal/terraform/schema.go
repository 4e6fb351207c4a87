package terraform

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	tfjson "github.com/hashicorp/terraform-json"
)

// ProvidersSchema returns the resource schemas of `terraform providers
// schema -json` for the working folder (after init). Reading them costs
// about 10 s and 13 MB for the AWS provider, so they are kept in the
// session's cache keyed by the hash of the dependency lock file, which
// pins every provider's version and package: units that share a lock file
// share one read.
func (w *Workdir) ProvidersSchema(ctx context.Context) (*tfjson.ProviderSchemas, error) {
	w.s.schemaMu.Lock()
	defer w.s.schemaMu.Unlock()
	var cache string
	if lock, err := os.ReadFile(filepath.Join(w.Dir, LockFile)); err == nil {
		cache = filepath.Join(w.s.CacheDir, "schemas", hashBytes(lock)+".json")
		if data, err := os.ReadFile(cache); err == nil {
			var s tfjson.ProviderSchemas
			if json.Unmarshal(data, &s) == nil {
				return &s, nil
			}
		}
	}
	if err := w.learnVersion(ctx); err != nil {
		return nil, err
	}
	var s *tfjson.ProviderSchemas
	err := w.quietly(func() (err error) {
		s, err = w.tf.ProvidersSchema(ctx)
		return err
	})
	if err != nil {
		return nil, classify("providers schema", err)
	}
	// Only resource schemas are needed (which attributes are computed,
	// sensitive, write-only); the rest would triple the cache.
	for name, p := range s.Schemas {
		s.Schemas[name] = &tfjson.ProviderSchema{ResourceSchemas: p.ResourceSchemas}
	}
	if cache != "" {
		if data, err := json.Marshal(s); err == nil && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
			// A cache that cannot be written only costs the next read.
			_ = writeFileAtomic(cache, data, 0o644)
		}
	}
	return s, nil
}

// ValidateJSON runs `terraform validate -json` and returns its
// diagnostics without printing them: callers read them (the repair of
// generated configuration), people see what the caller makes of them.
func (w *Workdir) ValidateJSON(ctx context.Context) (*tfjson.ValidateOutput, error) {
	if err := w.learnVersion(ctx); err != nil {
		return nil, err
	}
	var res *tfjson.ValidateOutput
	err := w.quietly(func() (err error) {
		res, err = w.tf.Validate(ctx)
		return err
	})
	if err != nil {
		return nil, classify("validate", err)
	}
	return res, nil
}
