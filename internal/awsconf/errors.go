package awsconf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrorCode returns the AWS error code of err ("NoSuchBucket",
// "AccessDenied", ...), or "".
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// CodeOrStatus names err for messages: its AWS error code, else its HTTP
// status ("HTTP 403"), else "".
func CodeOrStatus(err error) string {
	if c := ErrorCode(err); c != "" {
		return c
	}
	if s := HTTPStatus(err); s != 0 {
		return fmt.Sprintf("HTTP %d", s)
	}
	return ""
}

// HTTPStatus returns the HTTP status of the response that caused err, or 0
// when there was no response.
func HTTPStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// ResponseHeader returns a header of the response that caused err, or "".
func ResponseHeader(err error, name string) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get(name)
	}
	return ""
}

// IsUnreachable reports whether err means no answer came from the
// endpoint at all: refused or timed-out connection, unknown host, TLS
// failure, or the context's deadline passing while waiting.
func IsUnreachable(err error) bool {
	if err == nil || HTTPStatus(err) != 0 {
		return false
	}
	var send *smithyhttp.RequestSendError
	var op *net.OpError
	var dns *net.DNSError
	var ue *url.Error
	return errors.As(err, &send) || errors.As(err, &op) || errors.As(err, &dns) || errors.As(err, &ue) ||
		errors.Is(err, context.DeadlineExceeded)
}

// UnreachableCause returns a short reason for an unreachable endpoint:
// "connection refused", "no such host", "timed out" or the transport
// error's last part.
func UnreachableCause(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return "no such host " + dns.Name
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	msg := err.Error()
	for _, known := range []string{"connection refused", "connection reset by peer", "i/o timeout", "no route to host",
		"network is unreachable", "certificate", "tls:", "EOF"} {
		if strings.Contains(msg, known) {
			if known == "i/o timeout" {
				return "timed out"
			}
			if i := strings.LastIndex(msg, ": "); i >= 0 {
				return msg[i+2:]
			}
			return known
		}
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// IsAccessDenied reports an authorization failure: the credentials were
// read but are not allowed (or not valid).
func IsAccessDenied(err error) bool {
	switch ErrorCode(err) {
	case "AccessDenied", "AccessDeniedException", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch",
		"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException":
		return true
	}
	return HTTPStatus(err) == 403
}

// IsNotImplemented reports an operation the service (typically an
// emulator) does not implement: HTTP 501, NotImplemented, or a 500 whose
// code says so.
func IsNotImplemented(err error) bool {
	code := ErrorCode(err)
	return code == "NotImplemented" || code == "NotImplementedError" || HTTPStatus(err) == 501 ||
		(HTTPStatus(err) == 500 && strings.Contains(strings.ToLower(err.Error()), "not yet implemented"))
}

// ErrNoCredentials: no credentials could be found or fetched.
var ErrNoCredentials = errors.New("no AWS credentials")

// imdsNoRole is how the SDK reports that its default chain ran out: the
// instance metadata service, its last link, had no role or, off AWS, did
// not answer at all. Either way no credentials were found; the network
// error underneath is not about the endpoint the user configured.
const imdsNoRole = "no EC2 IMDS role found"

// IsNoCredentials reports a request that failed because its credentials
// could not be fetched, before the service itself answered.
func IsNoCredentials(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if strings.Contains(msg, imdsNoRole) {
		return true
	}
	if HTTPStatus(err) != 0 {
		// STS or SSO answered (a denied AssumeRole): an access problem,
		// not a missing credential.
		return false
	}
	msg = strings.ToLower(msg)
	for _, s := range []string{"failed to retrieve credentials", "failed to refresh cached credentials",
		"get identity", "get credentials", "anonymous credentials"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// CredentialsError explains a failure to fetch credentials (err from
// Credentials.Retrieve, or a request for which IsNoCredentials holds):
// where credentials are looked for and what to set, or, when a credentials
// service (STS or SSO, behind assume_role or a profile) did not answer,
// which endpoint to check. errors.Is(result, ErrNoCredentials) holds.
func CredentialsError(err error) error {
	if IsUnreachable(err) && !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), imdsNoRole) {
		return fmt.Errorf("%w: fetching credentials: cannot reach the credentials service (%s): check endpoints.sts / AWS_ENDPOINT_URL_STS and the network",
			ErrNoCredentials, UnreachableCause(err))
	}
	return fmt.Errorf("%w: none found in the environment, the shared files or a role; set AWS_PROFILE (or profile in remote_state config), "+
		"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance or task role is available (cause: %s)",
		ErrNoCredentials, shortCause(err))
}

// CheckCredentials fetches cfg's credentials on their own, so that a
// missing or unreachable source is one clear error instead of being
// buried under the first request's (and retried with it). The credentials
// cache keeps the result: later requests do not fetch again.
func CheckCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return nil
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return CredentialsError(err)
	}
	return nil
}

// shortCause keeps the end of a long SDK error chain, where the cause is.
func shortCause(err error) string {
	msg := err.Error()
	const max = 200
	if len(msg) > max {
		msg = "…" + msg[len(msg)-max:]
	}
	return msg
}
