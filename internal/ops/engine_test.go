package ops

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// countingBackend is a state backend that counts its reads.
type countingBackend struct {
	reads atomic.Int32
	err   error
}

func (b *countingBackend) Describe() string { return "test://state" }

func (b *countingBackend) Read(ctx context.Context) (*state.State, error) {
	b.reads.Add(1)
	time.Sleep(20 * time.Millisecond)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	return &state.State{Version: 4, Resources: []*state.Resource{{Instances: []*state.Instance{{}}}}}, nil
}

type fixedOpener struct{ b state.Backend }

func (o fixedOpener) Open(context.Context, config.Backend) (state.Backend, error) { return o.b, nil }

func TestReadStateSharesOneRead(t *testing.T) {
	b := &countingBackend{}
	e := &Engine{States: fixedOpener{b}}
	u := &config.Unit{Path: "network"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, err := e.ReadState(context.Background(), u, true)
			if err != nil || st == nil || st.Instances() != 1 {
				t.Errorf("ReadState() = %v, %v", st, err)
			}
		}()
	}
	wg.Wait()
	if n := b.reads.Load(); n != 1 {
		t.Errorf("8 concurrent cached reads read the state %d times, want 1", n)
	}
	if _, _, err := e.ReadState(context.Background(), u, false); err != nil {
		t.Fatal(err)
	}
	if n := b.reads.Load(); n != 2 {
		t.Errorf("an uncached read did not read the state again (%d reads)", n)
	}
}

func TestReadStateKeepsFailuresButNotCancellations(t *testing.T) {
	b := &countingBackend{err: errors.New("state bucket does not exist")}
	e := &Engine{States: fixedOpener{b}}
	u := &config.Unit{Path: "network"}
	for range 2 {
		if _, _, err := e.ReadState(context.Background(), u, true); err == nil {
			t.Fatal("no error from a failing backend")
		}
	}
	if n := b.reads.Load(); n != 1 {
		t.Errorf("a failed read was tried %d times, want 1", n)
	}

	b = &countingBackend{}
	e = &Engine{States: fixedOpener{b}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := e.ReadState(ctx, u, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
	if st, _, err := e.ReadState(context.Background(), u, true); err != nil || st == nil {
		t.Fatalf("the cancelled read was kept: %v, %v", st, err)
	}
	if n := b.reads.Load(); n != 2 {
		t.Errorf("%d reads, want 2", n)
	}
}
