package twiliosim

import (
	"fmt"
	"net/http"
)

// apiError is a Twilio error answer: HTTP status plus Twilio's code and
// message. It renders as Twilio's error body.
type apiError struct {
	status  int
	code    int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %d: %s", e.status, e.code, e.message) }

// body is Twilio's error body, {code, message, more_info, status}.
func (e *apiError) body() map[string]any {
	return map[string]any{
		"code":      e.code,
		"message":   e.message,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.code),
		"status":    e.status,
	}
}

// badRequest is a 400 with a Twilio code.
func badRequest(code int, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

// invalid is a 400 20001, Twilio's code for a bad or unknown parameter.
func invalid(format string, args ...any) *apiError { return badRequest(20001, format, args...) }

// notFound is Twilio's 404 20404 for path, an unknown path or a missing row.
func notFound(path string) *apiError {
	return &apiError{status: http.StatusNotFound, code: 20404,
		message: fmt.Sprintf("The requested resource %s was not found", path)}
}

// methodNotAllowed is Twilio's 405 20004.
func methodNotAllowed(method, path string) *apiError {
	return &apiError{status: http.StatusMethodNotAllowed, code: 20004,
		message: fmt.Sprintf("Method %s is not allowed on %s", method, path)}
}

// unauthorized is Twilio's 401 20003; why says what was wrong, since a
// person reading a failed test needs more than Twilio's "Authenticate".
func unauthorized(why string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: 20003, message: "Authentication Error - " + why}
}
