import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import { afterEach, expect } from "vitest";
import { ModelArtsConfigError } from "../../src/errors.js";
import type { ConfigHooks, ConfigWarningCode } from "../../src/config/index.js";

/** Every secret value the tests put anywhere; none may show up in output. */
export const SECRETS = {
  skFile: "SkFileSecret0000000000000000000000000001",
  skTemp: "SkTempSecret0000000000000000000000000002",
  stsTemp: "StsTempSecret00000000000000000000000003",
  tokenFile: "TokenFileSecret000000000000000000000004",
  skEnv: "SkEnvSecret00000000000000000000000000005",
  stsEnv: "StsEnvSecret0000000000000000000000000006",
  skOption: "SkOptionSecret00000000000000000000000007",
  tokenOption: "TokenOptionSecret0000000000000000000008",
} as const;

export const STANDARD_CONFIG = `current-context: default
contexts:
  - name: default
    region: cn-north-4
    project_id: projfile
    credentials:
      ak: AK_FILE
      sk: ${SECRETS.skFile}
  - name: token-user
    region: cn-east-3
    credentials:
      token: ${SECRETS.tokenFile}
  - name: temp
    endpoint: http://127.0.0.1:8443/
    credentials:
      ak: AK_TEMP
      sk: ${SECRETS.skTemp}
      security_token: ${SECRETS.stsTemp}
`;

export interface Sandbox {
  /** Stands in for the home directory; never the real one. */
  home: string;
  root: string;
  /** Writes a file under the sandbox root (mode 0600 unless told) and returns its path. */
  write(relative: string, content: string, mode?: number): string;
  /** Writes ~/.modelarts/config.yaml in the fake home. */
  writeHomeConfig(content: string, mode?: number): string;
  warnings: { message: string; code: ConfigWarningCode }[];
  hooks: ConfigHooks;
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "modelarts-config-test-"));
  roots.push(root);
  const home = join(root, "home");
  mkdirSync(home);
  const warnings: Sandbox["warnings"] = [];
  const write = (relative: string, content: string, mode = 0o600): string => {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };
  return {
    home,
    root,
    write,
    writeHomeConfig: (content, mode) => write(join("home", ".modelarts", "config.yaml"), content, mode),
    warnings,
    hooks: { homedir: () => home, warn: (message, code) => warnings.push({ message, code }) },
  };
}

/** Runs `fn`, expects a ModelArtsConfigError, and checks that it leaks no secret. */
export function configError(fn: () => unknown): ModelArtsConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ModelArtsConfigError);
  const error = caught as ModelArtsConfigError;
  expectNoSecrets(error.message, error.stack, inspect(error, { depth: Infinity }), JSON.stringify(error));
  return error;
}

export function expectNoSecrets(...outputs: (string | undefined)[]): void {
  for (const output of outputs) {
    for (const secret of Object.values(SECRETS)) {
      expect(output ?? "").not.toContain(secret);
      // A fragment would leak too, e.g. a parser quoting part of a line.
      expect(output ?? "").not.toContain(secret.slice(0, 12));
    }
  }
}
