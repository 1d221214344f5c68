// Package schemas holds the machine-readable form of the worker's wire
// contract (docs/contract.md §1, §2) as JSON Schema 2020-12: task.schema.json for
// task messages and result.schema.json for result messages. It has no Go API;
// its test validates the examples in testdata/ against the schemas and round
// trips them through the handler package's Task and Result types, so the
// schemas, the Go types and DecodeTask cannot drift apart unnoticed.
package schemas
