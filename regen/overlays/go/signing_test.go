// Tests of the AK/SK overlay (regen/overlays/go/): the published SDK-HMAC-SHA256 vectors, the
// canonical forms shared with the TypeScript signer, and a RoundTrip that signs what it sends.

package modelarts

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var publishedVectors = []struct {
	name, method, url, body, ak, sk, authorization string
	headers                                        map[string]string
}{
	{
		name: "GET /v1/{project}/vpcs with content-type", method: "GET",
		url:     "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		headers: map[string]string{"content-type": "application/json", "X-Sdk-Date": "20191115T033655Z"},
		ak:      "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
		authorization: "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
	},
	{
		name: "GET /resources?size=1", method: "GET", url: "https://service.endpoint.myhuaweicloud.com/resources?size=1",
		headers: map[string]string{"X-Sdk-Date": "20200608T023900Z"}, ak: "AccessKey", sk: "SecretKey",
		authorization: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842",
	},
	{
		name: "POST /resources?size=1 with a JSON body", method: "POST", url: "https://service.endpoint.myhuaweicloud.com/resources?size=1",
		headers: map[string]string{"X-Sdk-Date": "20200608T023900Z"}, body: `{"name":"test","id":1}`, ak: "AccessKey", sk: "SecretKey",
		authorization: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f",
	},
}

func TestPublishedVectors(t *testing.T) {
	for _, v := range publishedVectors {
		u, err := url.Parse(v.url)
		if err != nil {
			t.Fatal(err)
		}
		added, err := SignRequest(v.method, u, v.headers, []byte(v.body), v.ak, v.sk, "", time.Now())
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if added["Authorization"] != v.authorization {
			t.Errorf("%s:\n got %s\nwant %s", v.name, added["Authorization"], v.authorization)
		}
	}
}

func TestCanonicalForms(t *testing.T) {
	uris := map[string]string{
		"": "/", "/v1/abc": "/v1/abc/", "/a%20b": "/a%20b/", "/%7E%41": "/~A/", "/%c3%a9t%C3%A9": "/%C3%A9t%C3%A9/",
		"/a%2Fb/c": "/a%2Fb/c/", "/a%zz/%4/%": "/a%25zz/%254/%25/", "/%FF%C3": "/%FF%C3/", "/a!$&'()*+,;=:@b": "/a%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40b/",
	}
	for in, want := range uris {
		if got := canonicalURI(in); got != want {
			t.Errorf("canonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
	queries := map[string]string{
		"": "", "b=2&a=1": "a=1&b=2", "a=2&a=1&a=10&a=": "a=&a=1&a=10&a=2", "a=&b": "a=&b=", "q=a+b&r=a%2Bb": "q=a%20b&r=a%2Bb",
		"q=%E6%A0%87%E7%AD%BE&p=标签": "p=%E6%A0%87%E7%AD%BE&q=%E6%A0%87%E7%AD%BE", "q=%zz&r=%": "q=%25zz&r=%25", "a-b=1&a=2": "a=2&a-b=1",
	}
	for in, want := range queries {
		if got := canonicalQuery(in); got != want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

type recordingTransport struct{ got *http.Request }

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = req
	return &http.Response{StatusCode: 204, Body: http.NoBody, Request: req}, nil
}

func TestRoundTripSignsTheBytesSent(t *testing.T) {
	base := &recordingTransport{}
	transport := NewAkSkTransport("AK", "SK", "temporary", base)
	transport.Now = func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }
	req, _ := http.NewRequest("PUT", "http://127.0.0.1:8443/v1/p/data-annotations/1/images?tag_name=%E7%8C%AB+cat", strings.NewReader(`{"tag":"猫"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "not signed")
	if _, err := transport.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the caller's request was modified")
	}
	sent, _ := io.ReadAll(base.got.Body)
	want, _ := SignRequest("PUT", base.got.URL, map[string]string{"content-type": "application/json", "host": "127.0.0.1:8443"}, sent, "AK", "SK", "temporary", transport.Now())
	if got := base.got.Header.Get("Authorization"); got != want["Authorization"] || !strings.Contains(got, "SignedHeaders=content-type;host;x-sdk-date;x-security-token,") {
		t.Errorf("Authorization = %q, want %q", got, want["Authorization"])
	}
	if base.got.Header.Get("X-Sdk-Date") != "20261201T080000Z" || base.got.Header.Get("X-Security-Token") != "temporary" {
		t.Errorf("headers sent: %v", base.got.Header)
	}
	if string(sent) != `{"tag":"猫"}` {
		t.Errorf("body sent: %q", sent)
	}
	if s := transport.String(); strings.Contains(s, "SK\"") || !strings.Contains(s, "[REDACTED]") {
		t.Errorf("String() = %q", s)
	}
}
