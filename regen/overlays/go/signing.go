// AK/SK request signing (SDK-HMAC-SHA256) for the generated client, added by `npm run regen`
// (regen/overlays/go/); not generated.
//
// The AK/SK signature covers each request's method, final URL, headers and body bytes, so it
// cannot be a fixed header value in the Configuration. AkSkTransport signs in the HTTP client:
//
//	cfg := modelarts.NewConfiguration()
//	cfg.Servers = modelarts.ServerConfigurations{{URL: endpoint}}
//	cfg.HTTPClient = &http.Client{Transport: modelarts.NewAkSkTransport(ak, sk, "", nil)}
//	api := modelarts.NewAPIClient(cfg)
//
// The canonical form is the TypeScript client's (src/auth/canonical.ts), byte for byte.

package modelarts

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

const (
	// SigningAlgorithm is the scheme name in the Authorization header.
	SigningAlgorithm = "SDK-HMAC-SHA256"
	sdkDateLayout    = "20060102T150405Z"
)

// SignedRequestHeaders are the request headers AkSkTransport signs, besides host, x-sdk-date
// and x-security-token: a proxy that rewrites User-Agent must not break the signature, while
// the content type and the project travel protected (as in the TypeScript and Python clients).
var SignedRequestHeaders = []string{"content-type", "x-project-id"}

// AkSkTransport is an http.RoundTripper that signs every request with an AK/SK pair (and a
// security token, for temporary credentials) over the exact bytes it sends.
type AkSkTransport struct {
	AK            string
	SK            string
	SecurityToken string
	// Base sends the signed request; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// NewAkSkTransport returns a transport that signs with ak/sk (securityToken may be "").
func NewAkSkTransport(ak, sk, securityToken string, base http.RoundTripper) *AkSkTransport {
	return &AkSkTransport{AK: ak, SK: sk, SecurityToken: securityToken, Base: base}
}

// String hides the secrets, so a logged transport shows none.
func (t *AkSkTransport) String() string {
	return fmt.Sprintf("AkSkTransport{AK: %q, SK: [REDACTED]}", t.AK)
}

// RoundTrip signs a copy of req (the original is left as it was, as http.RoundTripper asks)
// and sends it through Base.
func (t *AkSkTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("modelarts: reading the request body to sign it: %w", err)
		}
	}
	signed := req.Clone(req.Context())
	if req.Body != nil {
		signed.Body = io.NopCloser(bytes.NewReader(body))
		signed.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		signed.ContentLength = int64(len(body))
	}
	headers := map[string]string{}
	for _, name := range SignedRequestHeaders {
		if values := req.Header.Values(name); len(values) > 0 {
			headers[name] = strings.Join(values, ", ")
		}
	}
	// The Host header Go sends: req.Host when set, else the URL's host.
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	headers["host"] = host
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	added, err := SignRequest(req.Method, req.URL, headers, body, t.AK, t.SK, t.SecurityToken, now())
	if err != nil {
		return nil, err
	}
	for name, value := range added {
		signed.Header.Set(name, value)
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(signed)
}

// SignRequest returns the headers to set on a request: X-Sdk-Date, Authorization, and
// X-Security-Token when securityToken is not empty. Every header in headers is signed (names
// are case-insensitive), plus host (from u unless given), x-sdk-date (now, unless given) and
// x-security-token. body is the exact payload.
func SignRequest(method string, u *url.URL, headers map[string]string, body []byte, ak, sk, securityToken string, now time.Time) (map[string]string, error) {
	if ak == "" {
		return nil, errors.New("modelarts: cannot sign: ak is empty")
	}
	if sk == "" {
		return nil, errors.New("modelarts: cannot sign: sk is empty")
	}
	collected := map[string]string{}
	for name, value := range headers {
		key := strings.ToLower(name)
		value = strings.Trim(value, " \t\r\n")
		if previous, ok := collected[key]; ok {
			value = previous + ", " + value
		}
		collected[key] = value
	}
	delete(collected, "authorization")
	sdkDate, given := collected["x-sdk-date"]
	if !given {
		sdkDate = now.UTC().Format(sdkDateLayout)
		collected["x-sdk-date"] = sdkDate
	} else if _, err := time.Parse(sdkDateLayout, sdkDate); err != nil || len(sdkDate) != len(sdkDateLayout) {
		return nil, fmt.Errorf("modelarts: X-Sdk-Date must be YYYYMMDDTHHMMSSZ (UTC), got %q", sdkDate)
	}
	if _, ok := collected["host"]; !ok {
		collected["host"] = u.Host
	}
	if securityToken != "" {
		collected["x-security-token"] = securityToken
	}
	signedHeaders := make([]string, 0, len(collected))
	for name := range collected {
		signedHeaders = append(signedHeaders, name)
	}
	sort.Strings(signedHeaders)

	var canonical strings.Builder
	canonical.WriteString(method + "\n")
	canonical.WriteString(canonicalURI(u.EscapedPath()) + "\n")
	canonical.WriteString(canonicalQuery(u.RawQuery) + "\n")
	for _, name := range signedHeaders {
		canonical.WriteString(name + ":" + collected[name] + "\n")
	}
	canonical.WriteString("\n" + strings.Join(signedHeaders, ";") + "\n")
	payload := sha256.Sum256(body)
	canonical.WriteString(hex.EncodeToString(payload[:]))

	request := sha256.Sum256([]byte(canonical.String()))
	stringToSign := SigningAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(request[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(stringToSign))
	signature := hex.EncodeToString(mac.Sum(nil))

	added := map[string]string{"X-Sdk-Date": sdkDate}
	if securityToken != "" {
		added["X-Security-Token"] = securityToken
	}
	added["Authorization"] = fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s", SigningAlgorithm, ak, strings.Join(signedHeaders, ";"), signature)
	return added, nil
}

func isUnreserved(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == '.' || b == '~'
}

func fromHex(b byte) (byte, bool) {
	switch {
	case '0' <= b && b <= '9':
		return b - '0', true
	case 'a' <= b && b <= 'f':
		return b - 'a' + 10, true
	case 'A' <= b && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

// reencode decodes %XX escapes leniently (a "%" without two hex digits stays literal, bytes
// that are not UTF-8 are kept) and encodes every byte outside the unreserved set as %XX.
func reencode(encoded string) string {
	var out strings.Builder
	for i := 0; i < len(encoded); i++ {
		b := encoded[i]
		if b == '%' && i+2 < len(encoded) {
			hi, ok1 := fromHex(encoded[i+1])
			lo, ok2 := fromHex(encoded[i+2])
			if ok1 && ok2 {
				b = hi<<4 | lo
				i += 2
			}
		}
		if isUnreserved(b) {
			out.WriteByte(b)
		} else {
			fmt.Fprintf(&out, "%%%02X", b)
		}
	}
	return out.String()
}

func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, segment := range segments {
		segments[i] = reencode(segment)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

func canonicalQuery(rawQuery string) string {
	type pair struct{ key, value string }
	var pairs []pair
	for _, field := range strings.Split(rawQuery, "&") {
		if field == "" {
			continue
		}
		key, value, _ := strings.Cut(field, "=")
		pairs = append(pairs, pair{reencode(strings.ReplaceAll(key, "+", " ")), reencode(strings.ReplaceAll(value, "+", " "))})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].key != pairs[j].key {
			return pairs[i].key < pairs[j].key
		}
		return pairs[i].value < pairs[j].value
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.key + "=" + p.value
	}
	return strings.Join(parts, "&")
}
