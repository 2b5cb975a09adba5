package serve

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
)

// keyOK reports whether key is the server's API key; any key is when
// none is set.
func (s *Server) keyOK(key string) bool {
	if s.cfg.APIKey == "" {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.APIKey)) == 1
}

// bearer returns the token of r's "Authorization: Bearer TOKEN" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if !hasPrefixFold(h, "Bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[len("Bearer "):]), true
}

// bearerOK reports whether r carries the API key as a bearer token (or
// none is needed).
func (s *Server) bearerOK(r *http.Request) bool {
	if s.cfg.APIKey == "" {
		return true
	}
	k, ok := bearer(r)
	return ok && s.keyOK(k)
}

var errUnauthorized = errorf(http.StatusUnauthorized,
	"this server needs an API key: send the header \"Authorization: Bearer KEY\" (or LibreTranslate's api_key field) with the key of --api-key-file")

// auth lets through the requests that carry the API key as a bearer
// token and answers the others 401.
func (s *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.bearerOK(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="s2s"`)
			writeErr(w, errUnauthorized)
			return
		}
		next(w, r)
	}
}

// cors answers cross-origin requests from the allowed origins: it echoes
// the origin in Access-Control-Allow-Origin and answers preflight
// (OPTIONS) requests itself. Other origins get no CORS headers, so
// browsers keep their pages from reading the answers; their preflights
// are refused with 403.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		allowed := origin != "" && (slices.Contains(s.cfg.CORSOrigins, origin) || slices.Contains(s.cfg.CORSOrigins, "*"))
		if origin != "" {
			w.Header().Add("Vary", "Origin")
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !allowed {
			writeError(w, http.StatusForbidden, "origin "+quote(origin)+" may not call this server: start it with --cors-origin "+quote(origin))
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	})
}

// quote quotes s for a message, whatever bytes it holds.
func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.ToValidUTF8(`"`+s+`"`, "\uFFFD")
}
