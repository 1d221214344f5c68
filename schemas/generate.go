package schemas

// entities/ holds the generated JSON Schemas of connectorInputPayload, one
// per catalogue entity and action (see entities/README.md).
//go:generate go run ../internal/entities/schemagen -out entities
