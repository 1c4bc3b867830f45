/**
 * `npm run review` on real spec edits: each fixture edits spec/ in a temporary copy of the
 * repository, commits the edit on top of the unchanged base, and reviews `--base HEAD~1`.
 * Breaking edits must exit 1 and name oasdiff's rule; compatible ones exit 0 and say so.
 *
 * Every fixture runs the breaking-change check. The costlier sections run where a fixture has
 * something to show in them: Spectral and the drift check for the first, the TypeScript
 * surface (a type-checker run, several seconds) for those whose helper types change, the Python
 * client (openapi-generator on Java) for the two whose Python signatures change; the others pass
 * `--skip` to keep this file's runtime moderate. Surfaces are cached per spec in out/cache/review/.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureGoTool } from "../../scripts/lib/go-tools.mjs";
import { isMap, isSeq, type parseDocument } from "yaml";
import { commitAll, copyRepository, editYaml, removeRepository, runReview, writeFile, type ReviewRun } from "./repo.js";

type Doc = ReturnType<typeof parseDocument>;

function seq(doc: Doc, path: (string | number)[]) {
  const node = doc.getIn(path, true);
  if (!isSeq(node)) throw new Error(`not a list: ${path.join(".")}`);
  return node;
}

function map(doc: Doc, path: (string | number)[]) {
  const node = doc.getIn(path, true);
  if (!isMap(node)) throw new Error(`not a map: ${path.join(".")}`);
  return node;
}

const SYNC_STATUS = "spec/components/schemas/SyncObsStatusResponse.yaml";

// The bump fixture starts from whatever version the spec has now, so a real release does not break it.
const SPEC_VERSION = String((JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8")) as { info: { version: string } }).info.version);
const NEXT_MAJOR = `${Number(/^(\d+)/.exec(SPEC_VERSION)?.[1]) + 1}.0.0`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function addEnumValue(repo: string): void {
  editYaml(repo, SYNC_STATUS, (doc) => {
    seq(doc, ["properties", "sync_status", "enum"]).add(4);
    seq(doc, ["properties", "sync_status", "x-enum-varnames"]).add("PAUSED");
    doc.setIn(["properties", "sync_status", "description"], "0: none yet; 1: succeeded; 2: failed; 3: running; 4: paused by an operator.");
  });
}

interface Fixture {
  name: string;
  edit: (repo: string) => void;
  exit: 0 | 1;
  /** oasdiff rule IDs the report must name as breaking. */
  rules: string[];
  /** Text the report must contain besides the rules. */
  mentions?: RegExp[];
  /** Report sections this fixture checks; the others are skipped. */
  sections: ("lint" | "drift" | "typescript" | "python")[];
}
const SECTIONS = ["lint", "drift", "typescript", "python"] as const;

const FIXTURES: Fixture[] = [
  {
    name: "removing an operation",
    edit: (repo) => editYaml(repo, "spec/openapi.yaml", (doc) => map(doc, ["paths"]).delete("/v1/{project_id}/annotation-jobs/{job_id}/validation")),
    exit: 1,
    rules: ["api-path-removed-without-deprecation"],
    mentions: [
      /### `query_validation`/,
      /helpers do not compile against the new spec/,
      /^- LabelApi\.query_validation: query_validation\(project_id/m,
      // The operation's parameter and schemas are left behind: the house rules say so.
      /\| warning \| `house-unused-component` \| spec\/openapi\.yaml:\d+ \| components\.schemas\.QueryValidationResponse is not used by any path\. \|/,
      /`generated\/` is \*\*out of date\*\*/,
    ],
    sections: ["lint", "drift", "typescript", "python"],
  },
  {
    name: "removing a required response field",
    edit: (repo) =>
      editYaml(repo, "spec/components/schemas/QueryTagListResponse.yaml", (doc) => {
        map(doc, ["properties"]).delete("tags");
        const required = seq(doc, ["required"]);
        required.items = required.items.filter((item) => String(item) !== "tags");
        doc.delete("example");
      }),
    exit: 1,
    rules: ["response-required-property-removed"],
    mentions: [/### `query_tag_list`/, /\| `response-required-property-removed` \(error\) \| [^|]+ \| response side: clients that read the field find it missing \|/],
    sections: [],
  },
  {
    name: "removing an optional response field",
    edit: (repo) => editYaml(repo, "spec/components/schemas/GetImageInfoByIdResponse.yaml", (doc) => map(doc, ["properties"]).delete("image_id")),
    exit: 1,
    rules: ["response-optional-property-removed"],
    mentions: [/clients that read the field find it missing/, /\*\*breaking\*\*: removed the optional property `image_id`/],
    sections: [],
  },
  {
    name: "renaming a response field",
    edit: (repo) =>
      editYaml(repo, "spec/components/schemas/GetTagStatisticsResponse.yaml", (doc) => {
        const properties = map(doc, ["properties"]);
        properties.set("tag_counts", properties.get("tag_count", true));
        properties.delete("tag_count");
        const required = seq(doc, ["required"]);
        required.items = required.items.map((item) => (String(item) === "tag_count" ? doc.createNode("tag_counts") : item));
        doc.delete("example");
      }),
    exit: 1,
    rules: ["response-required-property-removed"],
    mentions: [/added the required property `tag_counts`/],
    sections: [],
  },
  {
    name: "adding a required request field",
    edit: (repo) =>
      editYaml(repo, "spec/components/schemas/ModifyImageInfoRequest.yaml", (doc) => {
        map(doc, ["properties"]).set("reason", doc.createNode({ type: "string", description: "Why the tags change.", example: "review" }));
        seq(doc, ["required"]).add("reason");
      }),
    exit: 1,
    rules: ["new-required-request-property"],
    mentions: [/request side: existing callers do not send it/, /reason: string/],
    sections: ["typescript"],
  },
  {
    name: "making an optional query parameter required",
    edit: (repo) => editYaml(repo, "spec/components/parameters/PerPage.yaml", (doc) => doc.set("required", true)),
    exit: 1,
    rules: ["request-parameter-became-required"],
    mentions: [/^\+ DataAnnotationsApi\.show_images_by_tag: show_images_by_tag\(project_id: [^\n]*per_page: Annotated\[int,/m],
    sections: ["python"],
  },
  {
    name: "narrowing a pattern",
    edit: (repo) => editYaml(repo, "spec/components/parameters/TagName.yaml", (doc) => doc.setIn(["schema", "pattern"], "^[a-z]+$")),
    exit: 1,
    rules: ["request-parameter-pattern-added"],
    mentions: [/accepts fewer values/],
    sections: [],
  },
  {
    name: "narrowing a range",
    edit: (repo) =>
      editYaml(repo, "spec/components/parameters/PerPage.yaml", (doc) => {
        doc.setIn(["schema", "maximum"], 50);
        doc.set("description", "Number of images on one page, from 1 to 50. Defaults to 10 when omitted.");
      }),
    exit: 1,
    rules: ["request-parameter-max-decreased"],
    sections: [],
  },
  {
    name: "adding an enum value to a response",
    edit: addEnumValue,
    exit: 1,
    rules: ["response-property-enum-value-added"],
    mentions: [/strict clients/, /sync_status: 0 \| 1 \| 2 \| 3 \| 4/],
    sections: ["typescript"],
  },
  {
    name: "changing a success status",
    edit: (repo) =>
      editYaml(repo, "spec/paths/data-annotations-obs-sync.yaml", (doc) => {
        const responses = map(doc, ["post", "responses"]);
        responses.set("200", responses.get("202", true));
        responses.delete("202");
      }),
    exit: 1,
    rules: ["response-success-status-removed"],
    mentions: [/### `sync_obs`/, /\| `response-success-status-removed` \(error\) \| [^|]+ \| response side: clients that check for the old status/],
    sections: [],
  },
  {
    name: "the same breaking edit with a major version bump",
    edit: (repo) => {
      addEnumValue(repo);
      editYaml(repo, "spec/openapi.yaml", (doc) => doc.setIn(["info", "version"], NEXT_MAJOR));
    },
    exit: 0,
    rules: ["response-property-enum-value-added"],
    mentions: [new RegExp(`announced by the major version bump\\*\\* ${escapeRegExp(SPEC_VERSION)} → ${escapeRegExp(NEXT_MAJOR)}`)],
    sections: [],
  },
  {
    name: "adding an optional response field",
    edit: (repo) =>
      editYaml(repo, SYNC_STATUS, (doc) =>
        map(doc, ["properties"]).set("last_sync_time", doc.createNode({ type: "integer", format: "int64", description: "When the last sync ended, in ms since the epoch.", example: 1575360000000 })),
      ),
    exit: 0,
    rules: [],
    mentions: [/compatible: added the optional property `last_sync_time` to the response with the `200` status/, /\[`response-optional-property-added`\]/, /last_sync_time\?: number/],
    sections: ["typescript"],
  },
  {
    name: "adding an operation",
    edit: (repo) => {
      writeFile(
        repo,
        "spec/paths/data-annotations-obs-sync-history.yaml",
        `# /v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync-history
parameters:
  - $ref: ../components/parameters/ProjectId.yaml
  - $ref: ../components/parameters/DataAnnotationId.yaml
get:
  operationId: sync_obs_history
  tags:
    - DataAnnotations
  summary: Read the state of a job's last OBS synchronization again
  description: The same answer as sync_obs_status, under a second name.
  responses:
    '200':
      description: The synchronization state.
      headers:
        X-Request-Id:
          $ref: ../components/headers/XRequestId.yaml
      content:
        application/json:
          schema:
            $ref: ../components/schemas/SyncObsStatusResponse.yaml
    '400':
      $ref: ../components/responses/BadRequest.yaml
`,
      );
      editYaml(repo, "spec/openapi.yaml", (doc) =>
        map(doc, ["paths"]).set("/v1/{project_id}/data-annotations/{data_annotation_id}/obs/sync-history", doc.createNode({ $ref: "./paths/data-annotations-obs-sync-history.yaml" })),
      );
    },
    exit: 0,
    rules: [],
    mentions: [/### `sync_obs_history`/, /compatible: endpoint added \(GET \/v1\/\{project_id\}\/data-annotations\/\{data_annotation_id\}\/obs\/sync-history\) \[`endpoint-added`\]/],
    sections: [],
  },
  {
    name: "documentation-only edits",
    edit: (repo) => {
      editYaml(repo, "spec/paths/data-annotations-obs-sync-status.yaml", (doc) => {
        doc.setIn(["get", "summary"], "Read how a job's OBS synchronization is going");
        doc.setIn(["get", "description"], "Returns the state of the job's latest synchronization (0 none, 3 running, 1 succeeded, 2 failed).");
      });
      editYaml(repo, "spec/components/parameters/TagName.yaml", (doc) => doc.setIn(["schema", "example"], "dog"));
    },
    exit: 0,
    rules: [],
    mentions: [/### `sync_obs_status`\n\n- documentation: `summary` changed\n- documentation: `description` changed/, /### `show_images_by_tag`/],
    sections: [],
  },
];

/** Runs `task`s at most `slots` at a time, in call order. */
function limiter(slots: number) {
  const waiting: (() => void)[] = [];
  let running = 0;
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= slots) await new Promise<void>((go) => waiting.push(go));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

function breakingRows(report: string): string[] {
  const section = report.split("## Breaking changes")[1]?.split("\n## ")[0] ?? "";
  return section.split("\n").filter((line) => line.startsWith("| `") || line.startsWith("| (document)"));
}

describe("npm run review on spec edits (oasdiff breaking-change gate)", () => {
  const repos: string[] = [];
  const outcomes: string[] = [];
  // Build the pinned oasdiff once, before runs in parallel would each try to (first run on a fresh clone).
  beforeAll(() => {
    ensureGoTool("oasdiff");
  }, 600_000);
  // Sixteen copies of the repository take a while to delete on a loaded machine: 30 s was not always enough.
  afterAll(() => {
    repos.forEach(removeRepository);
    console.log(`review fixture exit codes:\n${outcomes.join("\n")}`);
  }, 180_000);

  it("reports no changes and exits 0 when the spec did not change", async () => {
    const repo = copyRepository();
    repos.push(repo);
    writeFile(repo, "NOTES.md", "not a spec change\n");
    commitAll(repo, "a change outside spec/");
    const run = await runReview(repo, ["--base", "HEAD~1"]);
    outcomes.push(`  no spec change: exit ${run.code}`);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("**No changes** to the bundled spec.");
    expect(run.stdout).toContain("- Spectral (house rules): no findings.");
    expect(run.stdout).toContain("- `generated/` is in sync with `spec/`.");
    expect(run.report).toBe(run.stdout);
  }, 120_000);

  it("refuses a base that is not a commit, exit 2", async () => {
    const repo = copyRepository();
    repos.push(repo);
    const run = await runReview(repo, ["--base", "no-such-branch"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--base no-such-branch: not a commit in this repository");
  }, 60_000);

  // Two at a time: the machine has two cores, and each run is CPU-bound.
  const slot = limiter(2);
  // One Python regeneration at a time: both would otherwise compute the same base client at once.
  const pythonSlot = limiter(1);
  describe.concurrent.each(FIXTURES)("$name", (fixture) => {
    let run: ReviewRun;
    it(`exits ${fixture.exit}${fixture.rules.length ? ` naming ${fixture.rules.join(", ")}` : " as non-breaking"}`, async () => {
      const repo = copyRepository();
      repos.push(repo);
      fixture.edit(repo);
      commitAll(repo, fixture.name);
      const skip = SECTIONS.filter((section) => !fixture.sections.includes(section));
      const review = () => slot(() => runReview(repo, ["--base", "HEAD~1", ...(skip.length ? ["--skip", skip.join(",")] : [])]));
      run = fixture.sections.includes("python") ? await pythonSlot(review) : await review();
      outcomes.push(`  ${fixture.name}: exit ${run.code}`);
      // Progress notes only (a Python client regenerated for a spec not in the cache), no error.
      expect(run.stderr.split("\n").filter((line) => line && !line.startsWith("review: regenerating the Python client for spec "))).toEqual([]);
      expect(run.code, run.stdout).toBe(fixture.exit);
      expect(run.report).toBe(run.stdout);

      const rows = breakingRows(run.stdout);
      for (const rule of fixture.rules) expect(rows.join("\n")).toContain(`\`${rule}\``);
      if (fixture.rules.length === 0) {
        expect(rows).toEqual([]);
        expect(run.stdout).toContain("**No breaking changes.**");
        expect(run.stdout).toContain("None found by oasdiff.");
      } else {
        // Every breaking row has a rule ID, a change and a reason.
        for (const row of rows) expect(row).toMatch(/^\| [^|]+ \| `[a-z0-9-]+` \((error|warning)\) \| .+ \| (?:(request|response) side: .+|.*calls to it.*) \|$/);
      }
      for (const mention of fixture.mentions ?? []) expect(run.stdout).toMatch(mention);
      if (fixture.sections.includes("python")) {
        expect(run.stdout).toMatch(/### Python client methods \(openapi-generator \d+\.\d+\.\d+\)\n\n\d+ removed, \d+ added, \d+ changed:/);
      } else {
        expect(run.stdout).toContain("Not computed (`--skip python`).");
      }
      if (!fixture.sections.includes("typescript")) expect(run.stdout).toContain("Not computed (`--skip typescript`).");
      else {
        // The revision's layout must hold all of generated/: a module it cannot find is the review's fault, not the spec's.
        expect(run.stdout).not.toMatch(/TS2307/);
        const expectsBrokenHelpers = (fixture.mentions ?? []).some((m) => m.source.includes("do not compile"));
        if (!expectsBrokenHelpers) expect(run.stdout).not.toContain("helpers do not compile");
      }
    }, 300_000);
  });
});
