/**
 * One handler per operationId. They run only after authentication and validation
 * against the spec, so parameters and bodies have the spec's types here; a handler
 * maps them onto the state and the state's answer onto the response body.
 */
import type { operations } from "../../generated/schema.js";
import type { AnnotationState, Job, ModifyImageInfoRequest } from "./state.js";
import type { SyncRunner } from "./sync.js";

export type OperationId = keyof operations;

/** What the server hands a handler: validated, with query values of the spec's types and its defaults filled in. */
export interface OperationRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export type OperationResult<Body = unknown> = { status: 204 } | { status: number; body: Body };

type JsonOf<Op extends OperationId, Status extends number> = Status extends keyof operations[Op]["responses"]
  ? operations[Op]["responses"][Status] extends { content: { "application/json": infer Body } }
    ? Body
    : never
  : never;

/** A success answer whose body the compiler checks against the spec's schema for that operation and status. */
const ok = <Op extends OperationId, Status extends 200 | 202>(status: Status, body: JsonOf<Op, Status>): OperationResult => ({ status, body });

interface HandlerServices {
  state: AnnotationState;
  sync: SyncRunner;
}

function jobOf(services: HandlerServices, request: OperationRequest): Job {
  return services.state.job(request.params["data_annotation_id"] as string, request.params["project_id"] as string);
}

export function createHandlers(services: HandlerServices): Record<OperationId, (request: OperationRequest) => OperationResult> {
  const { state, sync } = services;
  return {
    show_images_by_tag(request) {
      const job = jobOf(services, request);
      const { tag_name, page, per_page } = request.query as Required<Pick<NonNullable<operations["show_images_by_tag"]["parameters"]["query"]>, "page" | "per_page">> & { tag_name?: string };
      const { images, total } = state.listImages(job, { tagName: tag_name, page, perPage: per_page });
      return ok<"show_images_by_tag", 200>(200, {
        is_success: true,
        project_id: Number(job.id),
        project_name: job.name,
        project_desc: job.description,
        project_type: job.type,
        create_time: job.createTime,
        // Versions are published from the console, which the emulator does not have.
        version_num: 0,
        data_path: job.dataPath,
        versions: [],
        images,
        total,
      });
    },

    modify_image_info(request) {
      state.modifyImages(jobOf(services, request), request.body as ModifyImageInfoRequest);
      return { status: 204 };
    },

    delete_selected_images(request) {
      const { image_id } = request.body as operations["delete_selected_images"]["requestBody"]["content"]["application/json"];
      state.deleteImages(jobOf(services, request), image_id);
      return ok<"delete_selected_images", 200>(200, { is_success: true });
    },

    delete_selected_image(request) {
      state.deleteImages(jobOf(services, request), [request.params["image_id"] as string]);
      return { status: 204 };
    },

    get_image_info_by_id(request) {
      const tags = state.imageTags(jobOf(services, request), request.params["image_id"] as string);
      return ok<"get_image_info_by_id", 200>(200, { is_success: true, ...tags });
    },

    query_tag_list(request) {
      return ok<"query_tag_list", 200>(200, { is_success: true, tags: state.tagNames(jobOf(services, request)) });
    },

    get_image_info_by_ids(request) {
      const { image_id } = request.body as operations["get_image_info_by_ids"]["requestBody"]["content"]["application/json"];
      const imagesTags = state.imagesTags(jobOf(services, request), image_id);
      return ok<"get_image_info_by_ids", 200>(200, { is_success: true, images_tags: imagesTags });
    },

    get_tag_statistics(request) {
      return ok<"get_tag_statistics", 200>(200, { is_success: true, ...state.tagStatistics(jobOf(services, request)) });
    },

    sync_obs(request) {
      sync.start(jobOf(services, request));
      return ok<"sync_obs", 202>(202, { is_success: true });
    },

    sync_obs_status(request) {
      return ok<"sync_obs_status", 200>(200, { is_success: true, sync_status: jobOf(services, request).syncStatus });
    },

    query_validation(request) {
      const job = state.labelTask(request.params["job_id"] as string, request.params["project_id"] as string);
      const images = state.validationImages(job);
      // Validations are recorded by the console's review flow, which the emulator does not have.
      return ok<"query_validation", 200>(200, { image_count: images.length, images, last_pass_rate: null, last_validation_time: null });
    },
  };
}
