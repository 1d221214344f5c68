// Package schemas holds the machine-readable form of the worker's wire
// contract (docs/contract.md §1, §2) as JSON Schema 2020-12: task.schema.json for
// task messages and result.schema.json for result messages. It has no Go API;
// its test validates the examples in testdata/ against the schemas and round
// trips them through the Go form of the contract, package internal/task
// (task.Task, task.Result), so the schemas, the Go types and task.Decode
// cannot drift apart unnoticed.
package schemas
