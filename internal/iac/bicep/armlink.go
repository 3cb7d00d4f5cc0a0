package bicep

import (
	"context"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/arm"
)

// defaultARM expands ARM JSON modules with the ARM front end.
func defaultARM(ctx context.Context, file string, data []byte, params map[string]*iac.Value) ([]iac.Resource, []iac.Diagnostic) {
	return arm.Expand(ctx, file, data, params)
}
