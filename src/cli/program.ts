/**
 * The command tree of `modelarts-annotations`: names, options, help and examples. Only
 * commander is loaded here; each action imports its command module (and through it the
 * client or the emulator) when it runs, so `--help`, `--version` and typos answer without
 * loading either.
 */
import { Command, InvalidArgumentError } from "commander";
import { EXIT_CODES_HELP } from "./exit-codes.js";
import type { CliIo } from "./output.js";

/** Options every command that talks to the service takes. */
export interface ClientFlags {
  context?: string;
  config?: string;
  projectId?: string;
  endpoint?: string;
  region?: string;
  json?: boolean;
  color?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Commander quotes an unknown option as typed, value included: a mistyped `--tokn=<token>`,
 * `-s<secret>` or `"--tokn <token>"` would put the token on stderr (and into CI logs). Only
 * what can be an option's name is kept: `--` and a word, or `-` and one letter.
 */
export function withoutOptionValues(message: string): string {
  return message.replace(/unknown option '(.*)'$/gm, (_, typed: string) => {
    const name = /^--[A-Za-z0-9][\w-]*|^-[A-Za-z0-9]/.exec(typed)?.[0] ?? "-";
    return `unknown option '${name}${name === typed ? "" : "…"}'`;
  });
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** Commands a mistyped one may have meant: those it begins or is part of (`sync`), or within two edits (`imgaes`). */
export function suggestCommands(typed: string, names: readonly string[]): string[] {
  const word = typed.toLowerCase();
  return names.filter((name) => name !== "help" && (name.startsWith(word) || (word.length >= 3 && name.includes(word)) || editDistance(word, name) <= 2));
}

function wholeNumber(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError("must be a whole number.");
  return Number(value);
}

function seconds(value: string): number {
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed > 0) || parsed > 2_000_000) throw new InvalidArgumentError("must be a number of seconds greater than 0, such as 600 or 0.5.");
  return parsed;
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => (line.startsWith("#") ? `  ${line}` : `  $ modelarts-annotations ${line}`)).join("\n")}\n`;
}

export function withClientOptions(command: Command): Command {
  // A group of their own, so each command's help shows what is particular to it first.
  return command
    .optionsGroup("Connection and output options:")
    .option("--context <name>", "context of the config file to use (default: $MODELARTS_CONTEXT, then the file's current-context)")
    .option("--config <file>", "config file (default: $MODELARTS_CONFIG, then ~/.modelarts/config.yaml)")
    .option("--project-id <id>", "project ID (default: the context's or $HUAWEICLOUD_SDK_PROJECT_ID)")
    .option("--endpoint <url>", "ModelArts endpoint, e.g. http://127.0.0.1:8443 (default: from --region or the context)")
    .option("--region <id>", "region, e.g. cn-north-4: the endpoint becomes https://modelarts.<region>.myhuaweicloud.com")
    .option("--json", "print one JSON document on stdout instead of text")
    .option("--no-color", "no colour, as NO_COLOR=1 does")
    .optionsGroup("Options:");
}

/** What --body takes (see body.ts, which reads it). */
export const BODY_SOURCES = 'JSON text, a file (@file.json or file.json), or "-" to read stdin';

/** A command that calls the service; its identifying option comes first in its help. */
const JOB_OPTION: readonly [string, string] = ["-j, --data-annotation-id <id>", "ID of the manual-annotation job, e.g. 282"];

function serviceCommand(parent: Command, name: string, id: readonly [string, string] = JOB_OPTION): Command {
  return withClientOptions(parent.command(name).requiredOption(id[0], id[1]));
}

/**
 * A root command that writes through `io`, never quotes an option's value in an error, and
 * throws instead of exiting (run.ts turns what it throws into the exit code); the commands
 * added to it inherit all of that.
 */
export function rootCommand(io: CliIo): Command {
  return new Command("modelarts-annotations")
    .helpOption("-h, --help", "show help for a command")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(withoutOptionValues(text)),
    })
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
}

/** The command tree; `run` receives each action's exit code. */
export function buildProgram(io: CliIo, version: string, run: (code: Promise<number>) => Promise<void>): Command {
  const program = rootCommand(io);
  program
    .description("Manage ModelArts manual-annotation (DataAnnotations) jobs: sync OBS data, list and retag images, read tag statistics.")
    .version(version, "-V, --version", "print the version")
    .helpCommand("help [command]", "show help for a command")
    // Needed for the emulator command's pass-through; the program's own options all come first anyway.
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `\nCredentials and the endpoint come from a context in ~/.modelarts/config.yaml (see "config --help"),\nthe HUAWEICLOUD_SDK_* and MODELARTS_* environment variables, or the options.\n\n${EXIT_CODES_HELP}\n` +
        examples(
          "sync-obs -j 282 --wait",
          "images -j 282 --tag cat --all --json",
          "call get_tag_statistics -j 282   # any operation by its operationId: see call --help",
          "config set-context dev --region cn-north-4 --project-id <id> --ak <ak> --sk -",
          "emulator --obs-root ./obs --seed jobs.yaml",
        ),
    );

  const lazyJobs = () => import("./commands/jobs.js");
  const lazyConfig = () => import("./commands/config.js");

  serviceCommand(program, "sync-obs")
    .summary("Sync the job's OBS folder into it; --wait for the end")
    .description("Start syncing the job's OBS folder into the job (sync_obs); with --wait, wait until the sync ends")
    .option("--wait", "wait until the sync succeeds or fails; exit 1 if it fails")
    .option("--timeout <seconds>", "with --wait: give up after this long, exit 3 (default 600)", seconds)
    .addHelpText("after", examples("sync-obs -j 282", "sync-obs -j 282 --wait --timeout 300", "sync-obs -j 282 --wait --json   # {\"is_success\":true,\"sync_status\":1,...}"))
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.syncObs(io, command.opts()))));

  serviceCommand(program, "sync-status")
    .summary("Show the state of the latest OBS sync")
    .description("Show the state of the job's latest OBS sync (sync_obs_status): not started, syncing, succeeded or failed")
    .addHelpText("after", examples("sync-status -j 282", "sync-status -j 282 --json"))
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.syncStatus(io, command.opts()))));

  serviceCommand(program, "images")
    .summary("List images with a tag, tagged or untagged")
    .description("List the job's images with a tag, every tagged image, or the untagged ones (show_images_by_tag)")
    .option("--tag <name>", "only images with this tag (default: every image that has a tag)")
    .option("--untagged", "only images without any tag")
    .option("--page <n>", "page to show, from 1 (default 1)", wholeNumber)
    .option("--per-page <n>", "images per page, 1 to 100 (default 10; 100 with --all)", wholeNumber)
    .option("--all", "every page, fetched one at a time as it is printed")
    .addHelpText("after", examples("images -j 282 --tag cat", "images -j 282 --untagged --all", "images -j 282 --all --json | jq -r '.images[].image_id'"))
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.images(io, command.opts()))));

  serviceCommand(program, "image-tags")
    .summary("Show the tags of images by ID")
    .description("Show the tags of images by ID (get_image_info_by_id for one, get_image_info_by_ids for several)")
    .argument("<image-id...>", 'image IDs, as images lists them; "-" reads them from stdin, one per line')
    .addHelpText("after", examples("image-tags -j 282 4a3f0c2e9b1d4c6e8f7a6b5c4d3e2f10", "image-tags -j 282 <id> <id> --json"))
    .action((ids: string[], flags, command: Command) => run(lazyJobs().then((m) => m.imageTags(io, ids, command.opts()))));

  serviceCommand(program, "modify-image")
    .summary("Replace the tags of images")
    .description("Replace the tags of images (modify_image_info), all or nothing")
    .option("--image-id <id>", 'an image to retag (repeatable; "-" reads IDs from stdin, one per line); each gets the --tag set', collect)
    .option("--tag <name>", "a tag the images get (repeatable); replaces their current tags", collect)
    .option("--untag", "remove every tag from the images")
    .option("--body <json|@file|->", `the whole request body, for several tag sets or detection boxes: ${BODY_SOURCES}`)
    .addHelpText(
      "after",
      examples(
        "modify-image -j 282 --image-id <id> --tag cat --tag tabby",
        "modify-image -j 282 --image-id <id> --untag",
        "images -j 282 --untagged --all --json | jq -r '.images[].image_id' | modelarts-annotations modify-image -j 282 --image-id - --tag todo",
        "# rename the tag kitty to cat, keeping the images' other tags:",
        "images -j 282 --tag kitty --all --json | jq '{images: [.images[] | {image_id, tags: [.tags[] | if . == \"kitty\" then \"cat\" else . end]}]}' | modelarts-annotations modify-image -j 282 --body -",
        "# object detection boxes, from a file:",
        "modify-image -j 290 --body boxes.json   # {\"images\":[{\"image_id\":\"<id>\",\"tags\":[{\"tag\":\"flower\",\"pos\":[10,0,60,50]}]}],\"size\":[100,80]}",
      ),
    )
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.modifyImage(io, command.opts()))));

  serviceCommand(program, "delete-images")
    .summary("Delete images from the job")
    .description("Delete images from the job, all or nothing (delete_selected_image for one, delete_selected_images for several); the OBS objects stay, the images' tags are lost for good")
    .argument("<image-id...>", 'image IDs, as images lists them; "-" reads them from stdin, one per line')
    .option("--dry-run", "list what would be deleted, and delete nothing")
    .option("-y, --yes", "do not ask for confirmation on a terminal")
    .addHelpText("after", examples("delete-images -j 282 <id>", "delete-images -j 282 <id> <id> --dry-run", "images -j 282 --tag blurry --all --json | jq -r '.images[].image_id' | modelarts-annotations delete-images -j 282 -"))
    .action((ids: string[], flags, command: Command) => run(lazyJobs().then((m) => m.deleteImages(io, ids, command.opts()))));

  serviceCommand(program, "delete-image")
    .summary("Delete one image from the job")
    .description("Delete one image from the job (delete_selected_image); the OBS object stays, the image's tags are lost for good (several images: delete-images)")
    .argument("<image-id>", "the image's ID, as images lists it")
    .option("--dry-run", "show the image and the tags it would lose, and delete nothing")
    .option("-y, --yes", "do not ask for confirmation on a terminal")
    .addHelpText("after", examples("delete-image -j 282 <id> --dry-run", "delete-image -j 282 <id>", "delete-image -j 282 <id> --yes --json"))
    .action((id: string, flags, command: Command) => run(lazyJobs().then((m) => m.deleteImage(io, id, command.opts()))));

  serviceCommand(program, "tags")
    .summary("List the tag names in use")
    .description("List the tag names in use in the job (query_tag_list)")
    .addHelpText("after", examples("tags -j 282", "tags -j 282 --json"))
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.tags(io, command.opts()))));

  serviceCommand(program, "tag-stats")
    .summary("Count the images per tag")
    .description("Count the images per tag, and the tagged and untagged images (get_tag_statistics)")
    .addHelpText("after", examples("tag-stats -j 282", "tag-stats -j 282 --json"))
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.tagStats(io, command.opts()))));

  serviceCommand(program, "validation", ["--job-id <id>", "ID of the annotation job (a UUID, not a data annotation ID)"])
    .summary("Show validation data of an annotation job")
    .description("Show the images a reviewer validates and the previous validation's outcome (query_validation)")
    .addHelpText("after", examples("validation --job-id 062ef90a-da4d-4af4-82ba-1523da57e78e", "validation --job-id 062ef90a-da4d-4af4-82ba-1523da57e78e --json"))
    .action((flags, command: Command) => run(lazyJobs().then((m) => m.validation(io, command.opts()))));

  const config = program
    .command("config")
    .summary("View and edit contexts: endpoint, project, credentials")
    .description("View and edit the config file's contexts: endpoint, project and credentials under a name")
    .addHelpText(
      "after",
      `\nThe file is $MODELARTS_CONFIG or ~/.modelarts/config.yaml; --config names another. It holds\nsecrets, so it is written with owner-only permissions (0600); "config view" never shows them.\n` +
        examples("config set-context dev --region cn-north-4 --project-id <id> --ak <ak> --sk -   # SK from stdin", "config use-context dev", "config get-contexts", "config view --json"),
    );
  const fileOption = (command: Command) =>
    command.option("--config <file>", "config file (default: $MODELARTS_CONFIG, then ~/.modelarts/config.yaml)").option("--json", "print one JSON document on stdout instead of text").option("--no-color", "no colour");

  fileOption(config.command("view"))
    .description("Print the config file with every secret replaced by REDACTED")
    .addHelpText("after", examples("config view", "config view --json"))
    .action((flags, command: Command) => run(lazyConfig().then((m) => m.view(io, command.opts()))));

  fileOption(config.command("get-contexts"))
    .description("List the contexts; * marks the current one")
    .addHelpText("after", examples("config get-contexts"))
    .action((flags, command: Command) => run(lazyConfig().then((m) => m.getContexts(io, command.opts()))));

  fileOption(config.command("use-context"))
    .description("Make a context the current one")
    .argument("<name>", "context name")
    .addHelpText("after", examples("config use-context dev"))
    .action((name: string, flags, command: Command) => run(lazyConfig().then((m) => m.useContext(io, name, command.opts()))));

  fileOption(config.command("delete-context"))
    .description("Remove a context; if it was the current one, no context is current afterwards")
    .argument("<name>", "context name")
    .addHelpText("after", examples("config delete-context old-dev"))
    .action((name: string, flags, command: Command) => run(lazyConfig().then((m) => m.deleteContext(io, name, command.opts()))));

  fileOption(config.command("set-context"))
    .description("Create a context, or change the given fields of one (credentials are replaced as a whole)")
    .argument("<name>", "context name")
    .option("--region <id>", "region, e.g. cn-north-4")
    .option("--project-id <id>", "project ID")
    .option("--endpoint <url>", "endpoint URL; beats the region's")
    .option("--ak <ak>", "access key ID (with --sk)")
    .option("--sk <sk>", 'secret access key; "-" reads it from stdin, which keeps it out of shell history and ps')
    .option("--security-token <token>", 'temporary credentials\' security token (with --ak/--sk); "-" reads stdin')
    .option("--token <token>", 'IAM token instead of AK/SK; "-" reads it from stdin')
    .addHelpText(
      "after",
      examples(
        "config set-context dev --region cn-north-4 --project-id <id> --ak <ak> --sk -",
        "config set-context local --endpoint http://127.0.0.1:8443 --project-id local-project --token -",
        "config set-context dev --project-id <other-id>   # change one field",
      ),
    )
    .action((name: string, flags, command: Command) => run(lazyConfig().then((m) => m.setContext(io, name, command.opts()))));

  program
    .command("call")
    .summary("Call any operation of the spec by its operationId (see call --help)")
    .description("Call any operation of the spec by its operationId, with its parameters as options")
    // The operations are known only once the operation table is loaded, which --help of the other commands must not wait for: call parses its own arguments.
    .helpOption(false)
    .passThroughOptions()
    .allowUnknownOption()
    .argument("[operation]")
    .argument("[options...]")
    .action((operation: string | undefined, args: string[]) => run(import("./commands/call.js").then((m) => m.call(io, operation === undefined ? args : [operation, ...args]))));

  program
    .command("emulator")
    .summary("Run a local ModelArts emulator (see emulator --help)")
    .description("Run a local ModelArts manual-annotation emulator on loopback")
    .helpOption(false)
    .passThroughOptions()
    .allowUnknownOption()
    .argument("[options...]")
    .action((args: string[]) => run(import("./emulator.js").then((m) => m.runEmulatorCommand(args))));

  return program;
}
