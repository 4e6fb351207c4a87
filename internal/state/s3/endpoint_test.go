package s3

import (
	"errors"
	"net/url"
	"testing"
)

// An unreachable endpoint is named as the request saw it (a virtual-hosted
// bucket's host, not the configured one), with where the setting came
// from.
func TestEndpointForNamesTheRequestedHost(t *testing.T) {
	b := &Backend{Settings: Settings{Endpoints: Endpoints{S3: "http://127.0.0.1:1"}}}
	err := &url.Error{Op: "Put", URL: "http://bucket.s3.example:9/key?x-id=PutObject", Err: errors.New("connection refused")}
	ep := b.endpointFor(err)
	if ep.url != "http://bucket.s3.example:9" || ep.source != "endpoints.s3 in remote_state config" {
		t.Errorf("endpointFor(%v) = %+v", err, ep)
	}
	if ep := b.endpointFor(errors.New("no URL")); ep.url != "http://127.0.0.1:1" {
		t.Errorf("without a request URL: %+v", ep)
	}
}
