package harness

import (
	"context"
	"fmt"

	"cloud.google.com/go/pubsub/v2"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// PubsubClient connects to the emulator at addr for project. The address
// is passed explicitly (not left to the library's own PUBSUB_EMULATOR_HOST
// lookup) so that the caller's injected environment decides.
func PubsubClient(ctx context.Context, addr, project string) (*pubsub.Client, error) {
	c, err := pubsub.NewClient(ctx, project, option.WithEndpoint(addr), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		return nil, fmt.Errorf("pubsub client for the emulator at %s: %w", addr, err)
	}
	return c, nil
}
