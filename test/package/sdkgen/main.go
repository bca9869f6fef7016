// Generates a language SDK from a Pulumi package schema with Pulumi's own code generators (pkg/v3/codegen),
// the same functions `pulumi package gen-sdk` reaches through the language plugin (pulumi-language-go,
// pulumi-language-python). test/package/sdk.test.ts uses it where that plugin is not installed; it builds
// this file in a temporary module pinned to the project's Pulumi version.
//
// usage: sdkgen <schema.json> <go|python> <out-dir>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/blang/semver"
)

func main() {
	schemaFile, lang, out := os.Args[1], os.Args[2], os.Args[3]
	raw, err := os.ReadFile(schemaFile)
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(raw, &spec))
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	check(err)
	if diags.HasErrors() {
		check(fmt.Errorf("schema: %v", diags))
	}
	var files map[string][]byte
	switch lang {
	case "go":
		files, err = gogen.GeneratePackage("entra-signup-sdkgen", pkg, nil)
	case "python":
		files, err = pygen.GeneratePackage("entra-signup-sdkgen", pkg, nil, noLoader{})
	default:
		err = fmt.Errorf("unknown language %q", lang)
	}
	check(err)
	for name, content := range files {
		p := filepath.Join(out, name)
		check(os.MkdirAll(filepath.Dir(p), 0o755))
		check(os.WriteFile(p, content, 0o644))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// noLoader: the schema references no other package, so any lookup is an error.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("package %s: this schema references no other package", pkg)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("package %s: this schema references no other package", pkg)
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}
