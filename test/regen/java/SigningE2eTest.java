/*
 * End-to-end calls of the regenerated Java client with the AK/SK overlay against the emulator,
 * run by test/regen/regen.test.ts (copied into a copy of out/clients/java). Results go to the
 * JSON file RESULTS names, for the TypeScript test to check.
 */
package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.modelarts.annotations.ApiClient;
import com.example.modelarts.annotations.ApiException;
import com.example.modelarts.annotations.api.DataAnnotationsApi;
import com.example.modelarts.annotations.model.ImageInfo;
import com.example.modelarts.annotations.model.ImageTag;
import com.example.modelarts.annotations.model.ImageTags;
import com.example.modelarts.annotations.model.ModifyImageInfoRequest;
import com.example.modelarts.annotations.model.ShowImagesByTagResponse;
import com.example.modelarts.annotations.signing.AkSkSigning;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigningE2eTest {
  private static DataAnnotationsApi api(String sk) {
    ApiClient apiClient = new ApiClient();
    apiClient.updateBaseUri(System.getenv("URL"));
    AkSkSigning.configure(apiClient, System.getenv("AK"), sk, null);
    return new DataAnnotationsApi(apiClient);
  }

  @Test
  void syncObsAndShowImagesByTagWithAkSk() throws Exception {
    String project = System.getenv("PROJECT");
    String job = System.getenv("JOB");
    String tag = System.getenv("TAG");
    DataAnnotationsApi api = api(System.getenv("SK"));
    Map<String, Object> out = new LinkedHashMap<>();

    // X-Project-Id travels signed, as the official SDKs send it.
    out.put("sync_obs", api.syncObs(project, job, Map.of("X-Project-Id", project)).getIsSuccess());
    int status = 3;
    for (long deadline = System.currentTimeMillis() + 10_000; status == 3 && System.currentTimeMillis() < deadline; Thread.sleep(20)) {
      status = api.syncObsStatus(project, job).getSyncStatus().getValue();
    }
    out.put("sync_status", status);

    String image = api.showImagesByTag(project, job, "__none__", null, null).getImages().get(0).getImageId();
    api.modifyImageInfo(project, job, new ModifyImageInfoRequest().addImagesItem(new ImageTags().imageId(image).tags(List.of(new ImageTag(tag)))));
    ShowImagesByTagResponse listed = api.showImagesByTag(project, job, tag, 10, 1);
    List<String> ids = new ArrayList<>();
    for (ImageInfo i : listed.getImages()) ids.add(i.getImageId());
    out.put("tagged", image);
    out.put("listed", ids);
    out.put("total", listed.getTotal());

    int refused = 0;
    try {
      api("wrong-sk").syncObsStatus(project, job);
    } catch (ApiException e) {
      refused = e.getCode();
    }
    out.put("wrong_sk_status", refused);
    new ObjectMapper().writeValue(new File(System.getenv("RESULTS")), out);
    assertEquals(1, status);
  }
}
