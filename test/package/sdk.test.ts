/**
 * SDKs for other languages from the package schema: the Go SDK is generated and compiled together with a
 * Go program that constructs `SelfServiceSignUp`; the Python SDK is generated and byte-compiled.
 * Generation runs `pulumi package gen-sdk` when the CLI has the language's plugin; the CLI built here from
 * Go modules has none (see `GEN_SDK_UNAVAILABLE`), so then the same Pulumi code generators run through
 * test/package/sdkgen, and the test prints why.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { SCHEMA_FILE } from "../../provider/schema";
import { makeTempDir, repoRoot } from "../helpers/pulumi";

const PULUMI_VERSION = `v${(JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version}`;
const GO_IMPORT = "github.com/entra-signup/entra-signup/sdk/go";

/**
 * Why `pulumi package gen-sdk` cannot run with the CLI built here: since Pulumi v3.69 the Go and Python
 * language plugins are Go modules of their own without release tags, and the module proxy serves none of
 * their versions; the last tagged sdk module that carries a Python host (v3.68.0) predates gen-sdk's
 * GeneratePackage call, and it carries no Go host at all.
 */
const GEN_SDK_UNAVAILABLE = (language: string) =>
  `pulumi package gen-sdk --language ${language} needs the pulumi-language-${language} plugin, which is not on PATH: ` +
  `its module github.com/pulumi/pulumi/sdk/${language === "go" ? "go/pulumi-language-go" : "python/cmd/pulumi-language-python"}/v3 ` +
  `has no tags and the Go module proxy answers 403 for it, so scripts/ensure-pulumi cannot build it. ` +
  `Generating with Pulumi's ${language} code generator (github.com/pulumi/pulumi/pkg/v3/codegen/${language} ${PULUMI_VERSION}) instead, the function gen-sdk calls.`;

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = makeTempDir("sdk");
});
after(() => tmp?.cleanup());

function which(tool: string, fallbacks: string[] = []): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), ...fallbacks]) {
    if (dir && fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
  }
  return undefined;
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 1_800_000, ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed:\n${String(r.stderr)}\n${String(r.stdout)}`);
  return String(r.stdout);
}

const goEnv = (go: string) => ({
  ...process.env,
  PATH: `${path.dirname(go)}${path.delimiter}${process.env.PATH ?? ""}`,
  GOFLAGS: "-mod=mod",
  CGO_ENABLED: "0",
  GOTOOLCHAIN: "auto",
});

/** The SDK for `language` in `out`: through gen-sdk when the plugin exists, otherwise through sdkgen. */
function generate(t: TestContext, language: "go" | "python", out: string, go: string | undefined): void {
  if (which(`pulumi-language-${language}`)) {
    run("pulumi", ["package", "gen-sdk", SCHEMA_FILE, "--language", language, "--out", out]);
    return;
  }
  const attempt = spawnSync(
    "pulumi",
    ["package", "gen-sdk", SCHEMA_FILE, "--language", language, "--out", out],
    {
      encoding: "utf8",
    },
  );
  assert.notEqual(attempt.status, 0);
  assert.match(attempt.stderr, new RegExp(`no language plugin 'pulumi-language-${language}'`));
  t.diagnostic(GEN_SDK_UNAVAILABLE(language));
  assert.ok(go, "the fallback generator needs Go");
  const gen = path.join(tmp.dir, "sdkgen");
  if (!fs.existsSync(path.join(gen, "sdkgen"))) {
    fs.mkdirSync(gen, { recursive: true });
    fs.copyFileSync(path.join(__dirname, "sdkgen", "main.go"), path.join(gen, "main.go"));
    const env = goEnv(go);
    run(go, ["mod", "init", "example.invalid/entra-signup-sdkgen"], { cwd: gen, env });
    run(
      go,
      [
        "get",
        `github.com/pulumi/pulumi/pkg/v3@${PULUMI_VERSION}`,
        `github.com/pulumi/pulumi/sdk/v3@${PULUMI_VERSION}`,
      ],
      { cwd: gen, env },
    );
    run(go, ["mod", "tidy"], { cwd: gen, env });
    // The flags of the CLI build (scripts/ensure-pulumi), so Go's build cache already holds most packages.
    run(go, ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "-o", "sdkgen", "."], { cwd: gen, env });
  }
  run(path.join(gen, "sdkgen"), [SCHEMA_FILE, language, out]);
}

const goProgram = `package main

import (
	"${GO_IMPORT}/entrasignup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		signUp, err := entrasignup.NewSelfServiceSignUp(ctx, "partners", &entrasignup.SelfServiceSignUpArgs{
			Connection: &entrasignup.GraphConnectionArgs{Cloud: entrasignup.GraphCloudGlobal},
			UserFlow: &entrasignup.UserFlowArgs{
				Name: pulumi.String("Partners"),
				Page: entrasignup.UserFlowPageArray{&entrasignup.UserFlowPageArgs{Attribute: pulumi.String("email")}},
			},
			Connector: &entrasignup.SelfServiceSignUpConnectorArgs{
				Password: pulumi.ToSecret(pulumi.String("from-config")).(pulumi.StringOutput),
				Hosting: &entrasignup.ConnectorHostingArgs{
					Kind:    entrasignup.ConnectorHostingKindExternal,
					BaseUrl: pulumi.String("https://connector.example.net/api"),
				},
				Policy: &entrasignup.PolicyArgs{Version: pulumi.String("1.0.0")},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("flowId", signUp.FlowId)
		ctx.Export("connectorUrls", signUp.ConnectorUrls)
		return nil
	})
}
`;

// A cold Go cache (a fresh CI machine) compiles the Pulumi Go SDK first: allow it half an hour.
test(
  "the Go SDK generated from the schema compiles, with a Go program that constructs SelfServiceSignUp",
  { timeout: 1_800_000 },
  (t) => {
    const go = which("go", ["/usr/local/go/bin"]);
    if (!go) return t.skip("no Go toolchain on this machine: the Go SDK cannot be compiled here");
    const out = path.join(tmp.dir, "go");
    generate(t, "go", out, go);
    const pkgDir = path.join(out, "entrasignup");
    assert.ok(
      fs.existsSync(path.join(pkgDir, "selfServiceSignUp.go")),
      "the component's Go type is generated",
    );
    fs.writeFileSync(
      path.join(out, "go.mod"),
      // pkg/v3 as well, though unused: it lifts the dependencies to the versions of the CLI build, whose
      // compiled packages Go's build cache already holds (no `go mod tidy`, which would drop it).
      `module ${GO_IMPORT}\n\ngo 1.25\n\nrequire (\n\tgithub.com/pulumi/pulumi/pkg/v3 ${PULUMI_VERSION}\n\tgithub.com/pulumi/pulumi/sdk/v3 ${PULUMI_VERSION}\n)\n`,
    );
    fs.mkdirSync(path.join(out, "cmd", "example"), { recursive: true });
    fs.writeFileSync(path.join(out, "cmd", "example", "main.go"), goProgram);
    const env = goEnv(go);
    run(go, ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "./..."], {
      cwd: out,
      env,
    });
  },
);

test("the Python SDK generated from the schema byte-compiles and declares SelfServiceSignUp", (t) => {
  const python = which("python3");
  if (!python) return t.skip("no python3 interpreter on this machine: the Python SDK is not checked");
  const out = path.join(tmp.dir, "python");
  generate(t, "python", out, which("go", ["/usr/local/go/bin"]));
  const module = path.join(out, "entra_signup", "self_service_sign_up.py");
  assert.match(fs.readFileSync(module, "utf8"), /class SelfServiceSignUp\(pulumi\.ComponentResource\)/);
  run(python, ["-m", "compileall", "-q", out]);
  const pulumiInstalled = spawnSync(python, ["-c", "import pulumi"], { encoding: "utf8" }).status === 0;
  if (pulumiInstalled) {
    run(python, ["-c", "import entra_signup; entra_signup.SelfServiceSignUp"], { cwd: out });
  } else {
    t.diagnostic(
      "the pulumi Python package is not installed (PyPI is unreachable here): the SDK is byte-compiled, not imported",
    );
  }
});
