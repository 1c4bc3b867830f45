/**
 * The pull-request workflow passes actionlint (a pinned Go module, built by
 * scripts/lib/go-tools.mjs), and actionlint in this setup does catch a broken workflow.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureGoTool } from "../../scripts/lib/go-tools.mjs";
import { ROOT } from "./repo.js";

const WORKFLOWS = join(ROOT, ".github", "workflows");

function actionlint(files: string[]) {
  const bin = ensureGoTool("actionlint");
  return spawnSync(bin, ["-no-color", ...files], { cwd: ROOT, encoding: "utf8" });
}

describe("GitHub Actions workflows", () => {
  const scratch = mkdtempSync(join(tmpdir(), "workflow-lint-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("pass actionlint", () => {
    const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(WORKFLOWS, f));
    expect(files.map((f) => f.slice(WORKFLOWS.length + 1))).toContain("spec-review.yml");
    const r = actionlint(files);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 600_000);

  it("the review workflow reviews against the PR's base, comments, uploads the docs and fails on exit 1", () => {
    const text = readFileSync(join(WORKFLOWS, "spec-review.yml"), "utf8");
    expect(text).toMatch(/^\s+pull_request:/m);
    expect(text).toContain("run: npm ci");
    expect(text).toContain('npm run -s review -- --base "$BASE_SHA"');
    expect(text).toContain("BASE_SHA: ${{ github.event.pull_request.base.sha }}");
    expect(text).toContain("uses: actions/upload-artifact@v4");
    expect(text).toContain("path: out/docs");
    expect(text).toContain("github.rest.issues.updateComment");
    expect(text).toMatch(/if: steps\.review\.outputs\.status != '0'[\s\S]*exit 1/);
  });

  it("actionlint reports a broken workflow (unknown action input, untrusted input in a script)", () => {
    const broken = join(scratch, "broken.yml");
    writeFileSync(
      broken,
      `on: pull_request
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-dept: 0
      - run: echo "\${{ github.event.pull_request.title }}"
`,
    );
    const r = actionlint([broken]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('input "fetch-dept" is not defined in action "actions/checkout@v4"');
    expect(r.stdout).toContain('"github.event.pull_request.title" is potentially untrusted');
  }, 600_000);
});
