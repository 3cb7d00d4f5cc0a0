package awaf

// Kind is a kind of AI workload.
type Kind string

// Workload kinds in scope.
const (
	KindGenerative      Kind = "generative"       // chat and RAG on generative models
	KindAgents          Kind = "agents"           // agents that call tools
	KindTraining        Kind = "training"         // training or fine-tuning models
	KindOnlineInference Kind = "online-inference" // real-time endpoints for own models
	KindBatchInference  Kind = "batch-inference"  // scheduled scoring jobs
)

// Kinds lists every workload kind.
var Kinds = []Kind{KindGenerative, KindAgents, KindTraining, KindOnlineInference, KindBatchInference}

// Component is a part of the AI reference architecture that a workload has.
type Component string

// The components of the baseline chat and ML reference architectures.
const (
	CompGateway           Component = "gateway"            // Application Gateway / Front Door with WAF
	CompAIGateway         Component = "ai-gateway"         // API Management in front of models
	CompFrontEnd          Component = "app-front-end"      // App Service, Container Apps, AKS
	CompOrchestrator      Component = "orchestrator"       // prompt flow, agent service, own code
	CompModelHosting      Component = "model-hosting"      // Azure OpenAI / Foundry deployments, ML endpoints
	CompGroundingIndex    Component = "grounding-index"    // AI Search or another vector index
	CompChatMemory        Component = "chat-memory"        // Cosmos DB or another state store
	CompContentSafety     Component = "content-safety"     // Azure AI Content Safety
	CompMonitoring        Component = "monitoring"         // Log Analytics, Application Insights
	CompPrivateNetworking Component = "private-networking" // VNet, private endpoints, private DNS
	CompKeyVault          Component = "key-vault"
	CompFeatureStore      Component = "feature-store"
	CompTrainingCompute   Component = "training-compute" // ML compute clusters, GPU pools
	CompDataLake          Component = "data-lake"
)

// Components lists every known component.
var Components = []Component{
	CompGateway, CompAIGateway, CompFrontEnd, CompOrchestrator, CompModelHosting,
	CompGroundingIndex, CompChatMemory, CompContentSafety, CompMonitoring,
	CompPrivateNetworking, CompKeyVault, CompFeatureStore, CompTrainingCompute, CompDataLake,
}

// Criticality is how much the business depends on the workload.
type Criticality string

// Criticalities, most critical first.
const (
	MissionCritical  Criticality = "mission-critical"
	BusinessCritical Criticality = "business-critical"
	Standard         Criticality = "standard"
	Experimental     Criticality = "experimental"
)

// Criticalities lists them in order.
var Criticalities = []Criticality{MissionCritical, BusinessCritical, Standard, Experimental}

// Sensitivity classifies the data the workload handles.
type Sensitivity string

// Sensitivities, least sensitive first.
const (
	Public       Sensitivity = "public"
	Internal     Sensitivity = "internal"
	Confidential Sensitivity = "confidential"
	Regulated    Sensitivity = "regulated"
)

// Sensitivities lists them in order.
var Sensitivities = []Sensitivity{Public, Internal, Confidential, Regulated}

// Exposure is who can reach the workload.
type Exposure string

// Exposures.
const (
	ExposureInternal Exposure = "internal"
	ExposureExternal Exposure = "external"
)

// Exposures lists them.
var Exposures = []Exposure{ExposureInternal, ExposureExternal}

// Profile is the business and technical context of a workload. It decides which
// questions and choices apply and how recommendations rank.
type Profile struct {
	Kinds       []Kind      `yaml:"kinds" json:"kinds"`
	Components  []Component `yaml:"components" json:"components"`
	Criticality Criticality `yaml:"criticality" json:"criticality"`
	Sensitivity Sensitivity `yaml:"sensitivity" json:"sensitivity"`
	Exposure    Exposure    `yaml:"exposure" json:"exposure"`
	// Priorities orders the pillars, most important first. Pillars left out rank
	// after those listed.
	Priorities []PillarID `yaml:"priorities" json:"priorities"`
}

// HasKind reports whether the profile includes k.
func (p Profile) HasKind(k Kind) bool {
	for _, x := range p.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// HasComponent reports whether the profile includes c.
func (p Profile) HasComponent(c Component) bool {
	for _, x := range p.Components {
		if x == c {
			return true
		}
	}
	return false
}

// PriorityRank returns the 0-based rank of a pillar in the priorities and the number
// of ranks; pillars not listed share the rank after the last listed one.
func (p Profile) PriorityRank(id PillarID) (rank, of int) {
	for i, x := range p.Priorities {
		if x == id {
			return i, len(p.Priorities) + 1
		}
	}
	return len(p.Priorities), len(p.Priorities) + 1
}

// Complete reports whether every profile field that evaluation needs is set.
func (p Profile) Complete() bool {
	return len(p.Kinds) > 0 && p.Criticality != "" && p.Sensitivity != "" && p.Exposure != ""
}
