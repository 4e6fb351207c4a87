package awsconf

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"

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
