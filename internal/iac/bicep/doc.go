// Package bicep reads Bicep templates (.bicep) and parameter files (.bicepparam)
// natively, without the Bicep CLI or .NET, and evaluates them into iac Resources.
//
// The lexer and the recursive-descent parser cover the Bicep language: targetScope,
// metadata, param (types, defaults, decorators), var, resource (nested children,
// parent:, existing, if conditions, for loops), module (local paths, br:, br/alias:,
// ts:, ts/alias:), output, type, func, import, extension, using; expressions with
// string interpolation, multi-line strings, safe access (.? and [?]), non-null (!),
// nested resource access (::), ternaries, every binary operator, lambdas and spreads.
//
// The evaluator follows parameters (defaults, .bicepparam values, including those of
// a base file named by "extends", or an ARM parameters file <name>.parameters.json
// beside the template), variables, user-defined functions, imported variables and
// functions (from Bicep files, and exported variables from ARM JSON files compiled from
// Bicep), the built-in functions (those ARM also has come from package tmplfunc, so
// both front ends give the same results), loops and conditions. Assert statements are evaluated: one known to fail is a warning naming
// it; one that depends on the deployment says nothing. Local modules are evaluated
// with the caller's values; their resources report the module file as Loc and the
// module calls in Via. Registry modules are read from the Bicep module cache ("bicep
// restore" fills ~/.bicep) as ARM JSON and expanded by the ARM front end; without a
// cache entry they are reported as unresolved.
//
// What cannot be known before deployment (a parameter without a value, resourceGroup()
// .location, utcNow(), a deployed resource's runtime properties, listKeys()) is an
// Unknown value with its reason. Resource ids use the same "{subscriptionId}" and
// "{resourceGroup}" placeholders as the ARM front end, and uniqueString() and guid()
// give the same stable placeholders, so the same workload reads alike in Bicep and in
// ARM JSON.
//
// Not evaluated, each reported as a diagnostic where it occurs: imports from registries
// (reported when an imported value is used; types need no evaluation), functions
// imported from ARM JSON files, extends of registry parameter files, outputs of ARM
// JSON modules, registry modules pinned by digest, and functions outside the supported
// set. Types are parsed but not enforced (@allowed, @minValue and the like are not
// checked).
package bicep
