// End-to-end calls of the regenerated Go client against the emulator, run by
// test/regen/regen.test.ts in a module that replaces the client with out/clients/go. Results go
// to the JSON file RESULTS names, for the TypeScript test to check.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	modelarts "example.com/modelarts-data-annotations/modelarts-go"
)

var (
	mu      sync.Mutex
	results = map[string]any{}
)

func record(name string, value any) {
	mu.Lock()
	defer mu.Unlock()
	results[name] = value
}

func TestMain(m *testing.M) {
	code := m.Run()
	out, _ := json.Marshal(results)
	if err := os.WriteFile(os.Getenv("RESULTS"), out, 0o600); err != nil {
		panic(err)
	}
	os.Exit(code)
}

func client(transport http.RoundTripper) *modelarts.APIClient {
	cfg := modelarts.NewConfiguration()
	cfg.Servers = modelarts.ServerConfigurations{{URL: os.Getenv("URL")}}
	if transport != nil {
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	return modelarts.NewAPIClient(cfg)
}

// With an IAM token, and the error of another project kept with its status and body.
func TestToken(t *testing.T) {
	api := client(nil)
	ctx := context.WithValue(context.Background(), modelarts.ContextAPIKeys, map[string]modelarts.APIKey{"IamToken": {Key: os.Getenv("TOKEN")}})
	started, _, err := api.DataAnnotationsAPI.SyncObs(ctx, os.Getenv("PROJECT"), "283").Execute()
	if err != nil {
		t.Fatal(err)
	}
	_, resp, err := api.DataAnnotationsAPI.SyncObs(ctx, "another-project", "283").Execute()
	var body struct {
		ErrorCode string `json:"error_code"`
	}
	var apiErr *modelarts.GenericOpenAPIError
	if errors.As(err, &apiErr) {
		if jsonErr := json.Unmarshal(apiErr.Body(), &body); jsonErr != nil {
			t.Fatalf("error body is not JSON: %v", jsonErr)
		}
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	record("token", map[string]any{"started": started.GetIsSuccess(), "failed": err != nil, "status": status, "error_code": body.ErrorCode})
}

// With AK/SK through the overlay's RoundTripper: sync_obs, then a tag with non-ASCII characters,
// a space and a plus written into the JSON body and listed through the query.
func TestAkSk(t *testing.T) {
	api := client(modelarts.NewAkSkTransport(os.Getenv("AK"), os.Getenv("SK"), "", nil))
	ctx := context.Background()
	project, job, tag := os.Getenv("PROJECT"), os.Getenv("JOB"), os.Getenv("TAG")
	started, _, err := api.DataAnnotationsAPI.SyncObs(ctx, project, job).Execute()
	if err != nil {
		t.Fatal(err)
	}
	status := int32(3)
	for deadline := time.Now().Add(10 * time.Second); status == 3 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		s, _, err := api.DataAnnotationsAPI.SyncObsStatus(ctx, project, job).Execute()
		if err != nil {
			t.Fatal(err)
		}
		status = s.GetSyncStatus()
	}
	untagged, _, err := api.DataAnnotationsAPI.ShowImagesByTag(ctx, project, job).TagName("__none__").Execute()
	if err != nil {
		t.Fatal(err)
	}
	image := untagged.GetImages()[0].GetImageId()
	images := []modelarts.ImageTags{*modelarts.NewImageTags(image, []modelarts.ImageTag{modelarts.StringAsImageTag(&tag)})}
	if _, err := api.DataAnnotationsAPI.ModifyImageInfo(ctx, project, job).ModifyImageInfoRequest(*modelarts.NewModifyImageInfoRequest(images)).Execute(); err != nil {
		t.Fatal(err)
	}
	listed, _, err := api.DataAnnotationsAPI.ShowImagesByTag(ctx, project, job).TagName(tag).PerPage(10).Page(1).Execute()
	if err != nil {
		t.Fatal(err)
	}
	var listedIDs []string
	for _, i := range listed.GetImages() {
		listedIDs = append(listedIDs, i.GetImageId())
	}
	// A wrong secret is refused by the emulator's gateway check.
	_, resp, err := client(modelarts.NewAkSkTransport(os.Getenv("AK"), "wrong-sk", "", nil)).DataAnnotationsAPI.SyncObsStatus(ctx, project, job).Execute()
	refused := 0
	if resp != nil {
		refused = resp.StatusCode
	}
	record("aksk", map[string]any{
		"sync_obs": started.GetIsSuccess(), "sync_status": status, "tagged": image, "listed": listedIDs, "total": listed.GetTotal(),
		"wrong_sk_status": refused, "wrong_sk_failed": err != nil,
	})
}
