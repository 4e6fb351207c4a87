package state

import "context"

// Backend is where one unit's state lives.
type Backend interface {
	// Describe names the state for people: a path or s3://bucket/key.
	Describe() string
	// Read returns the current state, or nil without error when there is
	// none yet.
	Read(ctx context.Context) (*State, error)
}

// Store is a backend whose state can be locked and written. Its methods
// are raw primitives; Write and Delete build the checked protocol on them,
// once for every backend. ReadRaw, WriteRaw and DeleteRaw expect the
// caller to hold the lock.
type Store interface {
	Backend
	Locker
	// ReadRaw returns the stored document as it is (Data nil when there is
	// none).
	ReadRaw(ctx context.Context) (Snapshot, error)
	// WriteRaw replaces the stored document and returns the new version's
	// ID where the store keeps versions ("" otherwise).
	WriteRaw(ctx context.Context, data []byte) (versionID string, err error)
	// DeleteRaw removes the stored document (S3 keeps older versions when
	// the bucket is versioned).
	DeleteRaw(ctx context.Context) error
}

// Snapshot is a stored state document as read.
type Snapshot struct {
	Data []byte
	// VersionID is the S3 object version ("" for local files and
	// unversioned buckets).
	VersionID string
}

// VersionReader is a store that keeps older versions of the state (an S3
// bucket with versioning), so that a backup's recorded version can be
// read back.
type VersionReader interface {
	ReadVersion(ctx context.Context, versionID string) ([]byte, error)
}
