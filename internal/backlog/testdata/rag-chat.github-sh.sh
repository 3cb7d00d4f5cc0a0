#!/bin/sh
# Remediation backlog from awaf: creates one GitHub issue per recommendation.
# Needs the GitHub CLI, signed in (gh auth login). Run it inside a clone of the
# repository, or set GH_REPO=OWNER/NAME. Issues that already carry their awaf id
# are skipped, so the script can run again after a new assessment.
set -eu

command -v gh >/dev/null 2>&1 || { echo 'awaf: the GitHub CLI (gh) is not installed' >&2; exit 1; }

# awaf_exists ID: is there an issue, open or closed, whose body holds ID?
awaf_exists() {
	n=$(gh issue list --state all --limit 1 --search "\"$1\" in:body" --json number --jq length) ||
		{ echo "awaf: gh issue list failed; stopping" >&2; exit 1; }
	[ "$n" != 0 ]
}

# Labels
gh label create 'awaf' --color 5319e7 --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'cost' --color 1d76db --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'security' --color 1d76db --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'horizon:now' --color d93f0b --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'risk:high' --color b60205 --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'operations' --color 1d76db --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'responsible-ai' --color 1d76db --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'reliability' --color 1d76db --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'horizon:next' --color fbca04 --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'risk:medium' --color ff9f1c --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'performance' --color 1d76db --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'horizon:later' --color c2e0c6 --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null
gh label create 'risk:none' --color ededed --description 'Azure Well-Architected AI assessment (awaf)' --force >/dev/null

# 1. Retired deployments, endpoints, indexes and caches are deleted and the deletion is checked
if awaf_exists 'awaf:decommissioning/dc_deletion_verified'; then
	echo 'skip awaf:decommissioning/dc_deletion_verified: an issue exists' >&2
else
	gh issue create \
		--title='Retired deployments, endpoints, indexes and caches are deleted and the deletion is checked' \
		--label='awaf,cost,security,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 25; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_deletion_verified
- **Design area:** Operations
- **Pillars:** Cost Optimization, Security
- **Risk:** high
- **Effort:** low
- **Horizon:** now
- **Priority score:** 53.6 (rank 1)

### What to do

Remove model deployments, endpoints, indexes, caches and their role assignments and private endpoints when an asset is retired, then confirm nothing remains.

### Why it matters

Leftover deployments consume quota and cost, and leftover indexes keep serving content.

### How to verify

The retirement record lists deleted resources; a Resource Graph query shows none of them left.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:decommissioning/dc_deletion_verified
'
fi

# 2. User input and retrieved content are clearly marked as data, separate from instructions
if awaf_exists 'awaf:prompt_security/ps_untrusted_delimited'; then
	echo 'skip awaf:prompt_security/ps_untrusted_delimited: an issue exists' >&2
else
	gh issue create \
		--title='User input and retrieved content are clearly marked as data, separate from instructions' \
		--label='awaf,security,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 25; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices protect your prompts and the application against prompt injection? (prompt_security)
- **Practice:** ps_untrusted_delimited
- **Design area:** Responsible AI
- **Pillars:** Security
- **Risk:** high
- **Effort:** low
- **Horizon:** now
- **Priority score:** 53.6 (rank 2)
- **Top 10:** Security controls in Responsible AI

### What to do

Pass user input in user messages and retrieved content in delimited, labelled blocks (spotlighting, for example with markers or encoding), never by concatenating it into the system message.

### Why it matters

Mixing untrusted text into instructions makes injected commands indistinguishable from yours.

### How to verify

Prompt templates show untrusted content placed in delimited sections outside the system message.

### Links

- [Prompt engineering techniques](https://learn.microsoft.com/azure/ai-services/openai/concepts/prompt-engineering)

awaf:prompt_security/ps_untrusted_delimited
'
fi

# 3. Each quality metric has a written numeric threshold for release
if awaf_exists 'awaf:release_gates/rg_numeric_thresholds'; then
	echo 'skip awaf:release_gates/rg_numeric_thresholds: an issue exists' >&2
else
	gh issue create \
		--title='Each quality metric has a written numeric threshold for release' \
		--label='awaf,operations,responsible-ai,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Responsible AI is your #3 priority; weight 30; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these release criteria must a model, prompt or index change meet before it reaches production? (release_gates)
- **Practice:** rg_numeric_thresholds
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** high
- **Effort:** low
- **Horizon:** now
- **Priority score:** 50.4 (rank 3)
- **Top 10:** Model performance metrics

### What to do

Write thresholds such as mean groundedness at least 4 of 5 with no more than 2% of answers below 3, or accuracy no more than 1 point below production, agreed with the business owner.

### Why it matters

Without a number, a release decision becomes a debate and a regression becomes acceptable.

### How to verify

A release criteria document or pipeline configuration lists each metric and its threshold.

### Links

- [Test and evaluate AI workloads](https://learn.microsoft.com/azure/well-architected/ai/test)

awaf:release_gates/rg_numeric_thresholds
'
fi

# 4. An inventory lists every model, deployment, endpoint, index and dataset with owner and status
if awaf_exists 'awaf:decommissioning/dc_inventory'; then
	echo 'skip awaf:decommissioning/dc_inventory: an issue exists' >&2
else
	gh issue create \
		--title='An inventory lists every model, deployment, endpoint, index and dataset with owner and status' \
		--label='awaf,operations,security,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_inventory
- **Design area:** Operations
- **Pillars:** Operational Excellence, Security
- **Risk:** high
- **Effort:** low
- **Horizon:** now
- **Priority score:** 49 (rank 4)

### What to do

Keep an inventory (Resource Graph query plus registry and index lists) with owner, purpose, status and planned end date for each AI asset.

### Why it matters

Assets nobody owns are never retired and never patched.

### How to verify

The inventory exists and matches a fresh Resource Graph query of AI resources.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:decommissioning/dc_inventory
'
fi

# 5. Results are filtered by the caller's identity, groups or tenant at query time
if awaf_exists 'awaf:grounding_retrieval/gr_security_trimming'; then
	echo 'skip awaf:grounding_retrieval/gr_security_trimming: an issue exists' >&2
else
	gh issue create \
		--title='Results are filtered by the caller'\''s identity, groups or tenant at query time' \
		--label='awaf,security,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 30; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply to retrieve relevant and permitted grounding content? (grounding_retrieval)
- **Practice:** gr_security_trimming
- **Design area:** Grounding data design
- **Pillars:** Security
- **Risk:** high
- **Effort:** medium
- **Horizon:** now
- **Priority score:** 46.5 (rank 5)

### What to do

Store permitted users, groups or tenant on each chunk and apply a filter built from the caller'\''s token claims to every query (or use the service'\''s document-level access control where available).

### Why it matters

Without trimming, the model summarizes documents the user is not allowed to open.

### How to verify

Every search request in code includes a filter on the permission field derived from the user'\''s token; a test user without access receives no restricted chunks.

### Links

- [Security filters for trimming results in Azure AI Search](https://learn.microsoft.com/azure/search/search-security-trimming-for-azure-search)

awaf:grounding_retrieval/gr_security_trimming
'
fi

# 6. The pipeline fails the release automatically when a threshold is missed
if awaf_exists 'awaf:release_gates/rg_pipeline_enforced'; then
	echo 'skip awaf:release_gates/rg_pipeline_enforced: an issue exists' >&2
else
	gh issue create \
		--title='The pipeline fails the release automatically when a threshold is missed' \
		--label='awaf,operations,reliability,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Reliability is your #2 priority; weight 25; business-critical workload; external users; medium effort

- **Question:** Which of these release criteria must a model, prompt or index change meet before it reaches production? (release_gates)
- **Practice:** rg_pipeline_enforced
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence, Reliability
- **Risk:** high
- **Effort:** medium
- **Horizon:** now
- **Priority score:** 44.4 (rank 6)
- **Top 10:** Automated model evaluation in operations

### What to do

Have the evaluation stage compare results with the thresholds and fail the pipeline, requiring a documented override to proceed.

### Why it matters

Thresholds that nobody checks under deadline pressure are not gates.

### How to verify

A pipeline run that missed a threshold shows a failed stage; overrides are logged with approver.

### Links

- [MLOps and GenAIOps for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/mlops-genaiops)

awaf:release_gates/rg_pipeline_enforced
'
fi

# 7. Development and test environments are secured like production and hold no raw production data
if awaf_exists 'awaf:data_protection/dpt_nonprod_parity'; then
	echo 'skip awaf:data_protection/dpt_nonprod_parity: an issue exists' >&2
else
	gh issue create \
		--title='Development and test environments are secured like production and hold no raw production data' \
		--label='awaf,security,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 25; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices protect AI data at rest and in transit, in every environment? (data_protection)
- **Practice:** dpt_nonprod_parity
- **Design area:** Data platform
- **Pillars:** Security
- **Risk:** high
- **Effort:** medium
- **Horizon:** now
- **Priority score:** 42.8 (rank 7)
- **Top 10:** Data at rest and in transit

### What to do

Apply the same identity, network and encryption controls to dev and test, and use masked, synthetic or sampled data with approval instead of production copies.

### Why it matters

Data scientists often work in the least protected environment with the most sensitive data.

### How to verify

Dev and test resources pass the same policy assignments; data assets in dev are synthetic or masked, with an approval record for any exception.

### Links

- [Data platform for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/data-platform)

awaf:data_protection/dpt_nonprod_parity
'
fi

# 8. A recurring check finds and removes orphaned AI resources
if awaf_exists 'awaf:decommissioning/dc_orphan_cleanup'; then
	echo 'skip awaf:decommissioning/dc_orphan_cleanup: an issue exists' >&2
else
	gh issue create \
		--title='A recurring check finds and removes orphaned AI resources' \
		--label='awaf,cost,security,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_orphan_cleanup
- **Design area:** Operations
- **Pillars:** Cost Optimization, Security
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 39.8 (rank 8)

### What to do

Run a scheduled query (Resource Graph, Advisor cost recommendations) for deployments and endpoints without traffic, indexes without queries and compute without jobs.

### Why it matters

Experiments and proofs of concept leave paid resources behind.

### How to verify

The query and the latest cleanup record exist.

### Links

- [Design principles for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/design-principles)

awaf:decommissioning/dc_orphan_cleanup
'
fi

# 9. Data tied to a retired asset is deleted or archived per retention, including logs and backups
if awaf_exists 'awaf:decommissioning/dc_data_deletion'; then
	echo 'skip awaf:decommissioning/dc_data_deletion: an issue exists' >&2
else
	gh issue create \
		--title='Data tied to a retired asset is deleted or archived per retention, including logs and backups' \
		--label='awaf,security,responsible-ai,cost,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_data_deletion
- **Design area:** Operations
- **Pillars:** Security, Responsible AI, Cost Optimization
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 39.2 (rank 9)
- **Top 10:** Data retention

### What to do

Apply the retention decision to training sets, grounding sources, conversation history, evaluation outputs, logs and backups of the retired asset.

### Why it matters

Data outliving its purpose breaks privacy commitments and remains exposed.

### How to verify

The retirement record shows each data store handled with date and method.

### Links

- [Training data design for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/training-data-design)

awaf:decommissioning/dc_data_deletion
'
fi

# 10. A suite of jailbreak and injection prompts runs before each release
if awaf_exists 'awaf:prompt_security/ps_jailbreak_tests'; then
	echo 'skip awaf:prompt_security/ps_jailbreak_tests: an issue exists' >&2
else
	gh issue create \
		--title='A suite of jailbreak and injection prompts runs before each release' \
		--label='awaf,security,responsible-ai,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices protect your prompts and the application against prompt injection? (prompt_security)
- **Practice:** ps_jailbreak_tests
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 39.2 (rank 10)

### What to do

Keep a growing set of direct and indirect attack prompts and run it, or an automated red teaming scan, in the pipeline, tracking attack success rate.

### Why it matters

Prompt and model changes reopen attacks that were blocked before.

### How to verify

The pipeline shows an attack test stage with a success rate below the release threshold.

### Links

- [Run AI Red Teaming Agent scans](https://learn.microsoft.com/azure/ai-foundry/how-to/develop/run-scans-ai-red-teaming-agent)

awaf:prompt_security/ps_jailbreak_tests
'
fi

# 11. Retirement criteria for each model or AI feature are defined before launch
if awaf_exists 'awaf:decommissioning/dc_retirement_criteria'; then
	echo 'skip awaf:decommissioning/dc_retirement_criteria: an issue exists' >&2
else
	gh issue create \
		--title='Retirement criteria for each model or AI feature are defined before launch' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_retirement_criteria
- **Design area:** Operations
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 38.5 (rank 11)

### What to do

Document the conditions for retiring a model or feature (sustained quality below threshold, unacceptable harm, replacement available, end of business need) and who decides.

### Why it matters

Without criteria a failing model stays live because nobody is entitled to switch it off.

### How to verify

The release documentation of the model or feature contains the criteria and the decision owner.

### Links

- [Responsible AI in AI workloads](https://learn.microsoft.com/azure/well-architected/ai/responsible-ai)

awaf:decommissioning/dc_retirement_criteria
'
fi

# 12. Safety results gate release, such as harmful-content defect rate and jailbreak success rate
if awaf_exists 'awaf:release_gates/rg_safety_gate'; then
	echo 'skip awaf:release_gates/rg_safety_gate: an issue exists' >&2
else
	gh issue create \
		--title='Safety results gate release, such as harmful-content defect rate and jailbreak success rate' \
		--label='awaf,responsible-ai,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Responsible AI is your #3 priority; weight 25; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these release criteria must a model, prompt or index change meet before it reaches production? (release_gates)
- **Practice:** rg_safety_gate
- **Design area:** MLOps and GenAIOps
- **Pillars:** Responsible AI
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 37.1 (rank 12)

### What to do

Run risk and safety evaluators and adversarial test sets and require defect rates below set limits (for example under 1% harmful responses) before release.

### Why it matters

A change that improves relevance can weaken refusals; safety needs its own bar.

### How to verify

The release report includes safety metrics with thresholds and pass or fail.

### Links

- [Evaluate generative AI apps with the Azure AI Evaluation SDK](https://learn.microsoft.com/azure/ai-foundry/how-to/develop/evaluate-sdk)

awaf:release_gates/rg_safety_gate
'
fi

# 13. Per-consumer or per-tenant token quotas are enforced at the gateway
if awaf_exists 'awaf:ai_gateway/gw_token_quotas'; then
	echo 'skip awaf:ai_gateway/gw_token_quotas: an issue exists' >&2
else
	gh issue create \
		--title='Per-consumer or per-tenant token quotas are enforced at the gateway' \
		--label='awaf,reliability,cost,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 25; business-critical workload; external users; low effort

- **Question:** Which of these gateway practices do you apply to traffic between your application and the models? (ai_gateway)
- **Practice:** gw_token_quotas
- **Design area:** Application design
- **Pillars:** Reliability, Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 36.1 (rank 13)

### What to do

Apply a token limit policy (llm-token-limit or azure-openai-token-limit in API Management) keyed by subscription, tenant or user, with tokens-per-minute and a token quota per period.

### Why it matters

Without per-consumer limits one noisy tenant or a runaway agent exhausts the shared deployment quota and drives up cost for everyone.

### How to verify

The API policy contains a token-limit element with counter-key set to a tenant or subscription identifier; gateway logs show 429 responses attributed to the consumer that exceeded its limit.

### Links

- [Limit large language model API token usage](https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy)

awaf:ai_gateway/gw_token_quotas
'
fi

# 14. Alerts fire on throttling rate and on quota or provisioned utilization nearing the limit
if awaf_exists 'awaf:quotas_throughput/qt_quota_alerts'; then
	echo 'skip awaf:quotas_throughput/qt_quota_alerts: an issue exists' >&2
else
	gh issue create \
		--title='Alerts fire on throttling rate and on quota or provisioned utilization nearing the limit' \
		--label='awaf,reliability,performance,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; low effort

- **Question:** How do you plan for model quotas and handle throttling? (quotas_throughput)
- **Practice:** qt_quota_alerts
- **Design area:** Application platform
- **Pillars:** Reliability, Performance Efficiency
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 33 (rank 14)

### What to do

Alert when 429 responses exceed a share of requests (for example 5% over 5 minutes) and when provisioned-managed utilization or TPM usage stays above about 80%.

### Why it matters

Throttling shows up first as slow or failed answers for users; alerts give time to raise quota or shift load.

### How to verify

Azure Monitor alert rules exist on the model account for requests with status 429 and on Provisioned-managed Utilization V2 (or token usage), routed to an action group.

### Links

- [Monitor Azure OpenAI](https://learn.microsoft.com/azure/ai-services/openai/how-to/monitor-openai)

awaf:quotas_throughput/qt_quota_alerts
'
fi

# 15. Residency requirements are mapped to regions and model deployment types
if awaf_exists 'awaf:data_governance/dg_residency'; then
	echo 'skip awaf:data_governance/dg_residency: an issue exists' >&2
else
	gh issue create \
		--title='Residency requirements are mapped to regions and model deployment types' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these governance practices do you apply to data used by the AI workload? (data_governance)
- **Practice:** dg_residency
- **Design area:** Data platform
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 31.8 (rank 15)
- **Top 10:** Security and governance for data processing

### What to do

Document where each class of data may be stored and processed and choose regions and deployment types (Regional, Data Zone or Global) accordingly.

### Why it matters

Prompts contain the same data as the stores they come from; a global deployment may process them outside the allowed geography.

### How to verify

The residency map lists each store and model deployment with its region and type; an allowed-locations policy is assigned.

### Links

- [Azure OpenAI deployment types](https://learn.microsoft.com/azure/ai-services/openai/how-to/deployment-types)

awaf:data_governance/dg_residency
'
fi

# 16. Azure Policy enforces the data rules on AI resources
if awaf_exists 'awaf:data_governance/dg_policy_enforcement'; then
	echo 'skip awaf:data_governance/dg_policy_enforcement: an issue exists' >&2
else
	gh issue create \
		--title='Azure Policy enforces the data rules on AI resources' \
		--label='awaf,security,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these governance practices do you apply to data used by the AI workload? (data_governance)
- **Practice:** dg_policy_enforcement
- **Design area:** Data platform
- **Pillars:** Security, Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 31.8 (rank 16)
- **Top 10:** Security and governance for data processing

### What to do

Assign policies that deny or audit local authentication, public network access, missing customer-managed keys where required, and disallowed regions on AI, search and storage resources.

### Why it matters

Rules that live only in documents are broken by the next hand-made resource.

### How to verify

Policy assignments at the workload scope show these definitions with compliance results.

### Links

- [Azure Policy built-in definitions for Azure AI services](https://learn.microsoft.com/azure/ai-services/policy-reference)

awaf:data_governance/dg_policy_enforcement
'
fi

# 17. Logs that contain prompts and responses are access-restricted and have personal data redacted
if awaf_exists 'awaf:tracing_audit/ta_log_access_control'; then
	echo 'skip awaf:tracing_audit/ta_log_access_control: an issue exists' >&2
else
	gh issue create \
		--title='Logs that contain prompts and responses are access-restricted and have personal data redacted' \
		--label='awaf,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices let you trace and audit what the AI system did for each request? (tracing_audit)
- **Practice:** ta_log_access_control
- **Design area:** Operations
- **Pillars:** Security
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 31.8 (rank 17)

### What to do

Store prompt content in separate tables or workspaces with table-level RBAC, redact personal data before logging where possible, and set retention to the minimum needed.

### Why it matters

Prompt logs concentrate sensitive data from every user.

### How to verify

Workspace or table permissions limit who can read prompt tables; sample records show redaction.

### Links

- [Manage access to Log Analytics workspaces](https://learn.microsoft.com/azure/azure-monitor/logs/manage-access)

awaf:tracing_audit/ta_log_access_control
'
fi

# 18. Reliability targets of the endpoint and every dependency match, with RTO and RPO written down
if awaf_exists 'awaf:platform_ha/ha_matching_targets'; then
	echo 'skip awaf:platform_ha/ha_matching_targets: an issue exists' >&2
else
	gh issue create \
		--title='Reliability targets of the endpoint and every dependency match, with RTO and RPO written down' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; low effort

- **Question:** Which of these practices keep inference and its dependencies available through zone and region failures? (platform_ha)
- **Practice:** ha_matching_targets
- **Design area:** Application platform
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 29.9 (rank 18)

### What to do

Set availability, RTO and RPO targets for the user flow and check that the model, index, memory store and gateway can each meet them.

### Why it matters

A 99.9% front end in front of a single-replica index is not a 99.9% workload.

### How to verify

A reliability target table lists each dependency'\''s SLA or design target against the workload target.

### Links

- [Design principles for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/design-principles)

awaf:platform_ha/ha_matching_targets
'
fi

# 19. A reference baseline of inputs and quality is recorded for comparison
if awaf_exists 'awaf:model_decay/dm_baseline'; then
	echo 'skip awaf:model_decay/dm_baseline: an issue exists' >&2
else
	gh issue create \
		--title='A reference baseline of inputs and quality is recorded for comparison' \
		--label='awaf,operations,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; low effort

- **Question:** How do you detect model and answer quality decay and decide when to retrain or change the model? (model_decay)
- **Practice:** dm_baseline
- **Design area:** Operations
- **Pillars:** Operational Excellence, Reliability
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 29.9 (rank 19)

### What to do

Keep the training or launch-time distribution of inputs and the quality scores at release as the reference that monitoring compares against.

### Why it matters

Drift is only measurable against a fixed reference.

### How to verify

The baseline dataset or scores are stored and referenced by the monitor or evaluation job.

### Links

- [Azure Machine Learning model monitoring](https://learn.microsoft.com/azure/machine-learning/concept-model-monitoring)

awaf:model_decay/dm_baseline
'
fi

# 20. Load tests use a simulator or spare provisioned capacity, not shared pay-as-you-go quota
if awaf_exists 'awaf:load_testing/lt_no_paid_endpoints'; then
	echo 'skip awaf:load_testing/lt_no_paid_endpoints: an issue exists' >&2
else
	gh issue create \
		--title='Load tests use a simulator or spare provisioned capacity, not shared pay-as-you-go quota' \
		--label='awaf,cost,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; low effort

- **Question:** Which of these practices do you apply to load test the AI workload and size its capacity? (load_testing)
- **Practice:** lt_no_paid_endpoints
- **Design area:** Test and evaluate
- **Pillars:** Cost Optimization, Reliability
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 29.9 (rank 20)

### What to do

Point load tests at a model API simulator or unused provisioned capacity in a test environment.

### Why it matters

Load testing standard deployments costs per token and can throttle production users who share the quota.

### How to verify

The load test configuration targets a simulator or dedicated test deployment.

### Links

- [Design principles for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/design-principles)

awaf:load_testing/lt_no_paid_endpoints
'
fi

# 21. Model capacity spans regions through Global or Data Zone deployments or deployments in two regions
if awaf_exists 'awaf:platform_ha/ha_multi_region_models'; then
	echo 'skip awaf:platform_ha/ha_multi_region_models: an issue exists' >&2
else
	gh issue create \
		--title='Model capacity spans regions through Global or Data Zone deployments or deployments in two regions' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 25; business-critical workload; external users; medium effort

- **Question:** Which of these practices keep inference and its dependencies available through zone and region failures? (platform_ha)
- **Practice:** ha_multi_region_models
- **Design area:** Application platform
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 28.9 (rank 21)

### What to do

Use Global or Data Zone deployment types, or deploy the model in at least two regions behind a gateway or client-side failover.

### Why it matters

A single regional deployment is unavailable during a regional incident or capacity shortage.

### How to verify

Deployment SKUs are GlobalStandard, DataZoneStandard or their provisioned versions, or two regional deployments appear behind the gateway'\''s backend pool.

### Links

- [Azure OpenAI business continuity and disaster recovery](https://learn.microsoft.com/azure/ai-services/openai/how-to/business-continuity-disaster-recovery)

awaf:platform_ha/ha_multi_region_models
'
fi

# 22. Latency and cost per request are checked against limits before release
if awaf_exists 'awaf:release_gates/rg_perf_gate'; then
	echo 'skip awaf:release_gates/rg_perf_gate: an issue exists' >&2
else
	gh issue create \
		--title='Latency and cost per request are checked against limits before release' \
		--label='awaf,performance,operations,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Operational Excellence is your #4 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these release criteria must a model, prompt or index change meet before it reaches production? (release_gates)
- **Practice:** rg_perf_gate
- **Design area:** MLOps and GenAIOps
- **Pillars:** Performance Efficiency, Operational Excellence
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 28.3 (rank 22)

### What to do

Measure p95 latency and average tokens or cost per request for the candidate and fail if they exceed the limits.

### Why it matters

A more capable prompt or model can double latency or cost unnoticed.

### How to verify

The release report includes latency and token figures with limits.

### Links

- [Test and evaluate AI workloads](https://learn.microsoft.com/azure/well-architected/ai/test)

awaf:release_gates/rg_perf_gate
'
fi

# 23. Users and dependent systems are told in advance and a replacement or fallback is ready
if awaf_exists 'awaf:decommissioning/dc_user_notice'; then
	echo 'skip awaf:decommissioning/dc_user_notice: an issue exists' >&2
else
	gh issue create \
		--title='Users and dependent systems are told in advance and a replacement or fallback is ready' \
		--label='awaf,operations,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Operational Excellence is your #4 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_user_notice
- **Design area:** Operations
- **Pillars:** Operational Excellence
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 28.3 (rank 23)

### What to do

Announce retirements to users and API consumers with dates, and route calls to the replacement or return a clear message.

### Why it matters

Silent removal breaks integrations and user trust.

### How to verify

A notice and a migration or fallback path are recorded for the last retirement.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:decommissioning/dc_user_notice
'
fi

# 24. Answers are scored for harmful content, protected material and indirect attack success
if awaf_exists 'awaf:genai_evaluation/ge_safety_metrics'; then
	echo 'skip awaf:genai_evaluation/ge_safety_metrics: an issue exists' >&2
else
	gh issue create \
		--title='Answers are scored for harmful content, protected material and indirect attack success' \
		--label='awaf,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to evaluate generative answers before and after release? (genai_evaluation)
- **Practice:** ge_safety_metrics
- **Design area:** Test and evaluate
- **Pillars:** Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 27.6 (rank 24)

### What to do

Run risk and safety evaluators (hate and unfairness, sexual, violence, self-harm, protected material, indirect attack) on normal and adversarial sets.

### Why it matters

Quality and safety fail independently; both must be measured.

### How to verify

Evaluation output includes defect rates per safety category.

### Links

- [Evaluate generative AI apps with the Azure AI Evaluation SDK](https://learn.microsoft.com/azure/ai-foundry/how-to/develop/evaluate-sdk)

awaf:genai_evaluation/ge_safety_metrics
'
fi

# 25. Users consent before conversations are kept for feedback, evaluation or training
if awaf_exists 'awaf:privacy_retention/pr_consent_logging'; then
	echo 'skip awaf:privacy_retention/pr_consent_logging: an issue exists' >&2
else
	gh issue create \
		--title='Users consent before conversations are kept for feedback, evaluation or training' \
		--label='awaf,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices protect personal data and limit how long AI interactions are kept? (privacy_retention)
- **Practice:** pr_consent_logging
- **Design area:** Responsible AI
- **Pillars:** Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 27.6 (rank 25)

### What to do

Ask for and record consent before storing conversation content beyond the session for review, evaluation or training, and honour withdrawal.

### Why it matters

Reusing conversations without consent breaches privacy law and user trust.

### How to verify

The UI shows the consent choice; stored conversations carry a consent flag.

### Links

- [Design principles for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/design-principles)

awaf:privacy_retention/pr_consent_logging
'
fi

# 26. A failure mode analysis covers each AI component with a mitigation for each failure
if awaf_exists 'awaf:app_architecture/aa_failure_mode_analysis'; then
	echo 'skip awaf:app_architecture/aa_failure_mode_analysis: an issue exists' >&2
else
	gh issue create \
		--title='A failure mode analysis covers each AI component with a mitigation for each failure' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** Which of these architecture practices do you apply to separate and protect the AI parts of the application? (app_architecture)
- **Practice:** aa_failure_mode_analysis
- **Design area:** Application design
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 26)

### What to do

List how each component can fail (model throttled or unavailable, index stale or down, tool timing out, memory store unavailable, filter blocking) and the designed response: retry, fallback model, cached answer, graceful message.

### Why it matters

AI dependencies fail in ways classic apps do not (throttling, refusals, content filter blocks); without a plan these surface as generic errors or hangs.

### How to verify

A failure mode table exists and is linked from the design; chaos or fault-injection tests exercise at least model throttling and index unavailability.

### Links

- [Failure mode analysis](https://learn.microsoft.com/azure/well-architected/reliability/failure-mode-analysis)

awaf:app_architecture/aa_failure_mode_analysis
'
fi

# 27. Model retirement dates are tracked and a tested migration is ready before each one
if awaf_exists 'awaf:prompt_model_versioning/pv_deprecation_plan'; then
	echo 'skip awaf:prompt_model_versioning/pv_deprecation_plan: an issue exists' >&2
else
	gh issue create \
		--title='Model retirement dates are tracked and a tested migration is ready before each one' \
		--label='awaf,reliability,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** How do you version prompts and models and prepare for model deprecation? (prompt_model_versioning)
- **Practice:** pv_deprecation_plan
- **Design area:** Application design
- **Pillars:** Reliability, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 27)

### What to do

Record the retirement date of every model version in use, subscribe to retirement notices, and evaluate and roll out the successor well before the date.

### Why it matters

Retired versions stop serving on a fixed date; a migration started in the last week skips evaluation.

### How to verify

A register lists each deployment, model version and retirement date with an owner; evaluation results exist for the planned successor.

### Links

- [Azure OpenAI model deprecations and retirements](https://learn.microsoft.com/azure/ai-services/openai/concepts/model-retirements)

awaf:prompt_model_versioning/pv_deprecation_plan
'
fi

# 28. Any prompt or model version change triggers an evaluation run before release
if awaf_exists 'awaf:prompt_model_versioning/pv_eval_on_change'; then
	echo 'skip awaf:prompt_model_versioning/pv_eval_on_change: an issue exists' >&2
else
	gh issue create \
		--title='Any prompt or model version change triggers an evaluation run before release' \
		--label='awaf,operations,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** How do you version prompts and models and prepare for model deprecation? (prompt_model_versioning)
- **Practice:** pv_eval_on_change
- **Design area:** Application design
- **Pillars:** Operational Excellence, Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 28)

### What to do

Make the CI pipeline run the evaluation suite whenever a prompt file, model version or generation parameter changes, and block the release on a failed gate.

### Why it matters

Prompt and model edits are the most frequent source of silent quality regressions.

### How to verify

Pipeline definitions trigger on prompt and configuration paths; recent prompt changes link to evaluation run results.

### Links

- [Test and evaluate AI workloads](https://learn.microsoft.com/azure/well-architected/ai/test)

awaf:prompt_model_versioning/pv_eval_on_change
'
fi

# 29. Rebuilds go to a new index side by side and traffic moves by switching an alias
if awaf_exists 'awaf:grounding_maintenance/gm_alias_swap'; then
	echo 'skip awaf:grounding_maintenance/gm_alias_swap: an issue exists' >&2
else
	gh issue create \
		--title='Rebuilds go to a new index side by side and traffic moves by switching an alias' \
		--label='awaf,reliability,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** Which of these practices keep the grounding index current, correct and safely changeable? (grounding_maintenance)
- **Practice:** gm_alias_swap
- **Design area:** Grounding data design
- **Pillars:** Reliability, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 29)

### What to do

Build a new index version next to the live one, validate it, then repoint the index alias the application queries; keep the old index for rollback for a while.

### Why it matters

In-place rebuilds leave users with partial results, and some schema changes cannot be made in place at all.

### How to verify

The application queries an alias name; the runbook for index changes includes the alias switch and the rollback step.

### Links

- [Create an index alias in Azure AI Search](https://learn.microsoft.com/azure/search/search-how-to-alias)

awaf:grounding_maintenance/gm_alias_swap
'
fi

# 30. Traffic shifts progressively with canary or blue-green steps watched by metrics
if awaf_exists 'awaf:safe_deployment/sd_progressive'; then
	echo 'skip awaf:safe_deployment/sd_progressive: an issue exists' >&2
else
	gh issue create \
		--title='Traffic shifts progressively with canary or blue-green steps watched by metrics' \
		--label='awaf,reliability,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** Which of these practices do you apply to roll out and roll back AI changes safely? (safe_deployment)
- **Practice:** sd_progressive
- **Design area:** MLOps and GenAIOps
- **Pillars:** Reliability, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 30)

### What to do

Send a small share of traffic (for example 5%) to the new version through endpoint traffic split or gateway weights, compare quality and error metrics, then increase.

### Why it matters

Problems that evaluation missed show up on a small share of users instead of all.

### How to verify

Endpoint traffic settings or gateway backend weights show staged percentages in release history.

### Links

- [Safe rollout for online endpoints](https://learn.microsoft.com/azure/machine-learning/how-to-safely-rollout-online-endpoints)

awaf:safe_deployment/sd_progressive
'
fi

# 31. Tests inject 429 responses, timeouts and slow dependencies to verify resilience
if awaf_exists 'awaf:load_testing/lt_throttling_sim'; then
	echo 'skip awaf:load_testing/lt_throttling_sim: an issue exists' >&2
else
	gh issue create \
		--title='Tests inject 429 responses, timeouts and slow dependencies to verify resilience' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** Which of these practices do you apply to load test the AI workload and size its capacity? (load_testing)
- **Practice:** lt_throttling_sim
- **Design area:** Test and evaluate
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 31)

### What to do

Use a simulator or fault injection (for example an API simulator or Azure Chaos Studio) to return 429s with retry-after, timeouts and latency spikes from model and search backends.

### Why it matters

Retry, failover and user messaging code paths are otherwise only exercised in production incidents.

### How to verify

Test reports show behaviour under injected throttling with error rates and latency.

### Links

- [Test and evaluate AI workloads](https://learn.microsoft.com/azure/well-architected/ai/test)

awaf:load_testing/lt_throttling_sim
'
fi

# 32. Retrieval latency is tracked against its share of the end-to-end latency budget
if awaf_exists 'awaf:grounding_retrieval/gr_latency_budget'; then
	echo 'skip awaf:grounding_retrieval/gr_latency_budget: an issue exists' >&2
else
	gh issue create \
		--title='Retrieval latency is tracked against its share of the end-to-end latency budget' \
		--label='awaf,performance,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Performance Efficiency is your #5 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply to retrieve relevant and permitted grounding content? (grounding_retrieval)
- **Practice:** gr_latency_budget
- **Design area:** Grounding data design
- **Pillars:** Performance Efficiency
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 25.9 (rank 32)

### What to do

Set a latency budget for retrieval within the response time target and alert on search latency at p95.

### Why it matters

Semantic ranking, large k and complex filters add latency users notice before the first token.

### How to verify

The search service SearchLatency metric or trace spans are charted against the budget.

### Links

- [Analyze performance in Azure AI Search](https://learn.microsoft.com/azure/search/search-performance-analysis)

awaf:grounding_retrieval/gr_latency_budget
'
fi

# 33. Models come from an approved catalog or registry with their source and version recorded
if awaf_exists 'awaf:hosting_platform/hp_model_integrity'; then
	echo 'skip awaf:hosting_platform/hp_model_integrity: an issue exists' >&2
else
	gh issue create \
		--title='Models come from an approved catalog or registry with their source and version recorded' \
		--label='awaf,security,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when choosing where and how models are hosted? (hosting_platform)
- **Practice:** hp_model_integrity
- **Design area:** Application platform
- **Pillars:** Security, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 33)
- **Top 10:** Hosting platform

### What to do

Deploy only models from the Azure AI Foundry catalog or your Azure Machine Learning registry, restrict others with Azure Policy where possible, and record publisher, version and licence of each.

### Why it matters

A tampered or unvetted model file is a supply-chain risk and its licence or safety profile may be unknown.

### How to verify

An inventory lists each deployed model with source, version and licence; a policy assignment restricts allowed models or registries.

### Links

- [Control AI model deployment with Azure Policy](https://learn.microsoft.com/azure/ai-foundry/how-to/built-in-policy-model-deployment)

awaf:hosting_platform/hp_model_integrity
'
fi

# 34. Outbound traffic from orchestrators, agents and compute goes through a firewall allow-list
if awaf_exists 'awaf:platform_network/nw_egress_control'; then
	echo 'skip awaf:platform_network/nw_egress_control: an issue exists' >&2
else
	gh issue create \
		--title='Outbound traffic from orchestrators, agents and compute goes through a firewall allow-list' \
		--label='awaf,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these network controls do you apply to the AI platform? (platform_network)
- **Practice:** nw_egress_control
- **Design area:** Application platform
- **Pillars:** Security
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 34)

### What to do

Route egress from app, agent and training subnets through Azure Firewall (or an equivalent) with an FQDN allow-list of the services and sites the workload needs.

### Why it matters

A manipulated agent or compromised package can exfiltrate data to any host when egress is open.

### How to verify

Subnet route tables send 0.0.0.0/0 to the firewall; firewall application rules list explicit FQDNs and deny the rest.

### Links

- [Baseline Microsoft Foundry chat reference architecture](https://learn.microsoft.com/azure/architecture/ai-ml/architecture/baseline-microsoft-foundry-chat)

awaf:platform_network/nw_egress_control
'
fi

# 35. Personal data not needed for answers is detected and removed or masked before indexing
if awaf_exists 'awaf:grounding_preparation/gp_pii_removal'; then
	echo 'skip awaf:grounding_preparation/gp_pii_removal: an issue exists' >&2
else
	gh issue create \
		--title='Personal data not needed for answers is detected and removed or masked before indexing' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when preparing content for the grounding index? (grounding_preparation)
- **Practice:** gp_pii_removal
- **Design area:** Grounding data design
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 35)
- **Top 10:** Grounding index maintenance

### What to do

Run PII detection (for example the PII Detection skill in the indexing skillset) and drop or mask personal data the use case does not require.

### Why it matters

Anything in the index can appear in an answer to any user who can query it.

### How to verify

The skillset includes a PII step or the pipeline documents why personal data is required; spot checks of the index find no unneeded identifiers.

### Links

- [PII Detection cognitive skill](https://learn.microsoft.com/azure/search/cognitive-search-skill-pii-detection)

awaf:grounding_preparation/gp_pii_removal
'
fi

# 36. A tested runbook purges a leaked or harmful document from index, caches and memory quickly
if awaf_exists 'awaf:grounding_maintenance/gm_emergency_purge'; then
	echo 'skip awaf:grounding_maintenance/gm_emergency_purge: an issue exists' >&2
else
	gh issue create \
		--title='A tested runbook purges a leaked or harmful document from index, caches and memory quickly' \
		--label='awaf,security,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices keep the grounding index current, correct and safely changeable? (grounding_maintenance)
- **Practice:** gm_emergency_purge
- **Design area:** Grounding data design
- **Pillars:** Security, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 36)

### What to do

Document how to delete a document by key from the index, invalidate cached answers that used it and remove it from chat memory, with a target time such as one hour.

### Why it matters

Waiting for the next scheduled rebuild keeps exposing leaked data or poisoned content.

### How to verify

The runbook exists and a drill record shows the purge done within the target.

### Links

- [Grounding data design for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/grounding-data-design)

awaf:grounding_maintenance/gm_emergency_purge
'
fi

# 37. Harms and AI-specific threats are mapped to mitigations and owners
if awaf_exists 'awaf:rai_governance/gov_harms_map'; then
	echo 'skip awaf:rai_governance/gov_harms_map: an issue exists' >&2
else
	gh issue create \
		--title='Harms and AI-specific threats are mapped to mitigations and owners' \
		--label='awaf,responsible-ai,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_harms_map
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Security
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 37)

### What to do

Threat-model the system, including prompt injection, data poisoning, model theft and harmful output, and track each risk with its mitigation and owner.

### Why it matters

Classic threat models miss AI attack paths; an unowned risk is an accepted one.

### How to verify

A threat model or risk register lists AI threats with mitigations and owners.

### Links

- [Responsible AI in AI workloads](https://learn.microsoft.com/azure/well-architected/ai/responsible-ai)

awaf:rai_governance/gov_harms_map
'
fi

# 38. A user's deletion request removes their data from memory, indexes, logs and datasets
if awaf_exists 'awaf:privacy_retention/pr_right_to_erasure'; then
	echo 'skip awaf:privacy_retention/pr_right_to_erasure: an issue exists' >&2
else
	gh issue create \
		--title='A user'\''s deletion request removes their data from memory, indexes, logs and datasets' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices protect personal data and limit how long AI interactions are kept? (privacy_retention)
- **Practice:** pr_right_to_erasure
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 38)

### What to do

Implement deletion by user across conversation stores, indexed user content, caches, logs where possible, and evaluation or training sets.

### Why it matters

Erasure obligations cover every copy, and AI systems make more copies than most.

### How to verify

A deletion procedure exists and a test deletion shows the user'\''s data gone from each store.

### Links

- [Responsible AI in AI workloads](https://learn.microsoft.com/azure/well-architected/ai/responsible-ai)

awaf:privacy_retention/pr_right_to_erasure
'
fi

# 39. A procedure says what to do when a quality or safety metric drops
if awaf_exists 'awaf:monitoring_alerting/mo_quality_alert_procedure'; then
	echo 'skip awaf:monitoring_alerting/mo_quality_alert_procedure: an issue exists' >&2
else
	gh issue create \
		--title='A procedure says what to do when a quality or safety metric drops' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to monitor both availability and answer quality in production? (monitoring_alerting)
- **Practice:** mo_quality_alert_procedure
- **Design area:** Operations
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 25 (rank 39)

### What to do

Define thresholds on quality and safety metrics that raise an alert and a procedure: who investigates, when to roll back a prompt or model, when to disable a feature.

### Why it matters

Quality incidents are new to most operations teams; without a procedure they are handled slowly or not at all.

### How to verify

The procedure document exists and a quality alert rule points to it.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:monitoring_alerting/mo_quality_alert_procedure
'
fi

# 40. Users can report wrong or harmful output and reports are triaged
if awaf_exists 'awaf:transparency/tr_feedback_channel'; then
	echo 'skip awaf:transparency/tr_feedback_channel: an issue exists' >&2
else
	gh issue create \
		--title='Users can report wrong or harmful output and reports are triaged' \
		--label='awaf,responsible-ai,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices make the AI system'\''s behaviour visible and understandable to its users? (transparency)
- **Practice:** tr_feedback_channel
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 25 (rank 40)

### What to do

Provide a report button or channel for incorrect or harmful output and route reports to an owner with a response time.

### Why it matters

Users see failures first; a channel turns them into fixes.

### How to verify

The report option is in the UI and the triage queue shows handled reports.

### Links

- [Responsible AI in AI workloads](https://learn.microsoft.com/azure/well-architected/ai/responsible-ai)

awaf:transparency/tr_feedback_channel
'
fi

# 41. Production answer or prediction quality is measured and charted, not only uptime
if awaf_exists 'awaf:monitoring_alerting/mo_quality_dashboard'; then
	echo 'skip awaf:monitoring_alerting/mo_quality_dashboard: an issue exists' >&2
else
	gh issue create \
		--title='Production answer or prediction quality is measured and charted, not only uptime' \
		--label='awaf,operations,responsible-ai,performance,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 25; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply to monitor both availability and answer quality in production? (monitoring_alerting)
- **Practice:** mo_quality_dashboard
- **Design area:** Operations
- **Pillars:** Operational Excellence, Responsible AI, Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 24.1 (rank 41)
- **Top 10:** Model performance metrics

### What to do

Score a sample of production traffic with quality evaluators (groundedness, relevance) or compare predictions with ground truth, and chart the results next to availability.

### Why it matters

An AI workload can be fully available while giving wrong answers.

### How to verify

A chart of a quality metric over time exists with data from the last week.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:monitoring_alerting/mo_quality_dashboard
'
fi

# 42. Generative answer quality is re-evaluated on a schedule and its trend reviewed
if awaf_exists 'awaf:model_decay/dm_genai_quality_trend'; then
	echo 'skip awaf:model_decay/dm_genai_quality_trend: an issue exists' >&2
else
	gh issue create \
		--title='Generative answer quality is re-evaluated on a schedule and its trend reviewed' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 25; business-critical workload; confidential data; external users; medium effort

- **Question:** How do you detect model and answer quality decay and decide when to retrain or change the model? (model_decay)
- **Practice:** dm_genai_quality_trend
- **Design area:** Operations
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 24.1 (rank 42)

### What to do

Run the golden dataset and a sample of recent production questions through the evaluators weekly, and review groundedness and relevance trends.

### Why it matters

Content changes, new question types and provider updates shift quality without any release on your side.

### How to verify

Scheduled evaluation runs exist with results for recent weeks.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:model_decay/dm_genai_quality_trend
'
fi

# 43. Provisioned throughput covers the baseline and spills over to standard capacity for bursts
if awaf_exists 'awaf:quotas_throughput/qt_ptu_spillover'; then
	echo 'skip awaf:quotas_throughput/qt_ptu_spillover: an issue exists' >&2
else
	gh issue create \
		--title='Provisioned throughput covers the baseline and spills over to standard capacity for bursts' \
		--label='awaf,performance,cost,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; medium effort

- **Question:** How do you plan for model quotas and handle throttling? (quotas_throughput)
- **Practice:** qt_ptu_spillover
- **Design area:** Application platform
- **Pillars:** Performance Efficiency, Cost Optimization, Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.9 (rank 43)
- **Top 10:** Application platform performance

### What to do

Where load is steady, buy provisioned throughput for the baseline and configure spillover (spilloverDeploymentName) or gateway routing to a standard deployment for overflow.

### Why it matters

Provisioned capacity gives predictable latency at a lower unit cost when used; bursts above it would otherwise be rejected.

### How to verify

A provisioned deployment has a spillover deployment configured, or a gateway pool routes to a standard backend after the provisioned one.

### Links

- [Manage traffic with spillover for provisioned deployments](https://learn.microsoft.com/azure/ai-services/openai/how-to/spillover-traffic-management)

awaf:quotas_throughput/qt_ptu_spillover
'
fi

# 44. Sustained throttling or failure trips a circuit breaker to a fallback deployment or degraded mode
if awaf_exists 'awaf:quotas_throughput/qt_circuit_breaker'; then
	echo 'skip awaf:quotas_throughput/qt_circuit_breaker: an issue exists' >&2
else
	gh issue create \
		--title='Sustained throttling or failure trips a circuit breaker to a fallback deployment or degraded mode' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; medium effort

- **Question:** How do you plan for model quotas and handle throttling? (quotas_throughput)
- **Practice:** qt_circuit_breaker
- **Design area:** Application platform
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.9 (rank 44)

### What to do

Stop sending to a deployment that keeps failing and switch to a secondary deployment, a smaller model or a degraded response, then probe for recovery.

### Why it matters

Hammering a throttled backend wastes the retry budget of every request; failing over keeps users served.

### How to verify

Gateway backend circuit breaker rules or application code with a breaker exist; a fault test shows the switch.

### Links

- [Circuit Breaker pattern](https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker)

awaf:quotas_throughput/qt_circuit_breaker
'
fi

# 45. Failover to the secondary model capacity or region has been tested
if awaf_exists 'awaf:platform_ha/ha_dr_tested'; then
	echo 'skip awaf:platform_ha/ha_dr_tested: an issue exists' >&2
else
	gh issue create \
		--title='Failover to the secondary model capacity or region has been tested' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; medium effort

- **Question:** Which of these practices keep inference and its dependencies available through zone and region failures? (platform_ha)
- **Practice:** ha_dr_tested
- **Design area:** Application platform
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.9 (rank 45)

### What to do

Exercise failover at least twice a year: disable the primary model backend or region and confirm traffic moves and the app keeps answering.

### Why it matters

Untested failover paths usually fail on DNS, quota or identity gaps in the secondary.

### How to verify

A dated drill report shows the failover, the time it took and the fixes made.

### Links

- [Azure OpenAI business continuity and disaster recovery](https://learn.microsoft.com/azure/ai-services/openai/how-to/business-continuity-disaster-recovery)

awaf:platform_ha/ha_dr_tested
'
fi

# 46. Content safety checks and prompt and response logging run centrally at the gateway
if awaf_exists 'awaf:ai_gateway/gw_central_safety'; then
	echo 'skip awaf:ai_gateway/gw_central_safety: an issue exists' >&2
else
	gh issue create \
		--title='Content safety checks and prompt and response logging run centrally at the gateway' \
		--label='awaf,security,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these gateway practices do you apply to traffic between your application and the models? (ai_gateway)
- **Practice:** gw_central_safety
- **Design area:** Application design
- **Pillars:** Security, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 46)
- **Top 10:** Security controls in Responsible AI

### What to do

Call Azure AI Content Safety (for example with the llm-content-safety policy) and log requests and responses at the gateway, so every consumer gets the same checks.

### Why it matters

Checks copied into each client drift apart and some get skipped; one enforcement point keeps them consistent and auditable.

### How to verify

The gateway policy calls a Content Safety backend or the LLM logging settings are on for the API; sample logs show prompts and responses with the consumer identity.

### Links

- [AI gateway capabilities in Azure API Management](https://learn.microsoft.com/azure/api-management/genai-gateway-capabilities)

awaf:ai_gateway/gw_central_safety
'
fi

# 47. Documents are scanned for embedded instructions before or at retrieval time
if awaf_exists 'awaf:grounding_preparation/gp_injection_scan'; then
	echo 'skip awaf:grounding_preparation/gp_injection_scan: an issue exists' >&2
else
	gh issue create \
		--title='Documents are scanned for embedded instructions before or at retrieval time' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when preparing content for the grounding index? (grounding_preparation)
- **Practice:** gp_injection_scan
- **Design area:** Grounding data design
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 47)

### What to do

Screen documents during ingestion or retrieved chunks at query time with Prompt Shields document attack detection, and quarantine flagged content.

### Why it matters

Indirect prompt injection hides instructions in content the model reads as context.

### How to verify

The pipeline or orchestrator calls Prompt Shields with the documents parameter; flagged items are logged.

### Links

- [Prompt Shields in Azure AI Content Safety](https://learn.microsoft.com/azure/ai-services/content-safety/concepts/jailbreak-detection)

awaf:grounding_preparation/gp_injection_scan
'
fi

# 48. Retrieval quality is measured on its own, separately from answer quality
if awaf_exists 'awaf:grounding_retrieval/gr_retrieval_metrics'; then
	echo 'skip awaf:grounding_retrieval/gr_retrieval_metrics: an issue exists' >&2
else
	gh issue create \
		--title='Retrieval quality is measured on its own, separately from answer quality' \
		--label='awaf,performance,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to retrieve relevant and permitted grounding content? (grounding_retrieval)
- **Practice:** gr_retrieval_metrics
- **Design area:** Grounding data design
- **Pillars:** Performance Efficiency
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 48)

### What to do

Score retrieval against labelled query-to-document pairs with recall at k, precision or NDCG, and track it when chunking, embeddings or ranking change.

### Why it matters

When answers degrade you need to know whether retrieval or generation is at fault.

### How to verify

An evaluation report shows retrieval metrics per index version.

### Links

- [RAG evaluation phase](https://learn.microsoft.com/azure/architecture/ai-ml/guide/rag/rag-llm-evaluation-phase)

awaf:grounding_retrieval/gr_retrieval_metrics
'
fi

# 49. Applicable AI regulations and internal policies are mapped to controls
if awaf_exists 'awaf:rai_governance/gov_regulatory_mapping'; then
	echo 'skip awaf:rai_governance/gov_regulatory_mapping: an issue exists' >&2
else
	gh issue create \
		--title='Applicable AI regulations and internal policies are mapped to controls' \
		--label='awaf,responsible-ai,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_regulatory_mapping
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Security
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 49)

### What to do

Determine which laws and standards apply (for example the EU AI Act risk category, sector rules, internal AI policy) and map each obligation to a control and evidence.

### Why it matters

Obligations discovered after launch force expensive changes or withdrawal.

### How to verify

A compliance mapping lists obligations, controls and evidence locations.

### Links

- [Responsible AI in AI workloads](https://learn.microsoft.com/azure/well-architected/ai/responsible-ai)

awaf:rai_governance/gov_regulatory_mapping
'
fi

# 50. Candidates are compared with the production version on the same data before promotion
if awaf_exists 'awaf:experiment_tracking/et_compare_baseline'; then
	echo 'skip awaf:experiment_tracking/et_compare_baseline: an issue exists' >&2
else
	gh issue create \
		--title='Candidates are compared with the production version on the same data before promotion' \
		--label='awaf,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 20; business-critical workload; low effort

- **Question:** Which of these practices do you apply to track experiments and make results reproducible? (experiment_tracking)
- **Practice:** et_compare_baseline
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 22.6 (rank 50)

### What to do

Evaluate the candidate and the current production model or prompt side by side on the same test set and report the difference per metric.

### Why it matters

An absolute score says little; the decision is whether the candidate is better than what users have now.

### How to verify

Promotion records show a comparison table of candidate versus production.

### Links

- [Test and evaluate AI workloads](https://learn.microsoft.com/azure/well-architected/ai/test)

awaf:experiment_tracking/et_compare_baseline
'
fi

# 51. A catalog records each data source's owner, refresh frequency and permitted uses
if awaf_exists 'awaf:data_governance/dg_ownership_catalog'; then
	echo 'skip awaf:data_governance/dg_ownership_catalog: an issue exists' >&2
else
	gh issue create \
		--title='A catalog records each data source'\''s owner, refresh frequency and permitted uses' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these governance practices do you apply to data used by the AI workload? (data_governance)
- **Practice:** dg_ownership_catalog
- **Design area:** Data platform
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 22.4 (rank 51)

### What to do

Record owner, refresh schedule, quality expectations and allowed purposes for every data source that feeds training or grounding.

### Why it matters

Without an owner nobody fixes a bad source or approves a new use of it.

### How to verify

The catalog has an entry per source with these fields filled.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:data_governance/dg_ownership_catalog
'
fi

# 52. Synthetic and adversarial questions extend coverage beyond the golden dataset
if awaf_exists 'awaf:genai_evaluation/ge_synthetic_data'; then
	echo 'skip awaf:genai_evaluation/ge_synthetic_data: an issue exists' >&2
else
	gh issue create \
		--title='Synthetic and adversarial questions extend coverage beyond the golden dataset' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to evaluate generative answers before and after release? (genai_evaluation)
- **Practice:** ge_synthetic_data
- **Design area:** Test and evaluate
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 22.4 (rank 52)

### What to do

Generate additional questions from the grounding content and adversarial prompts with a simulator, reviewing a sample for realism.

### Why it matters

Hand-written sets are small and miss phrasing and topics users will bring.

### How to verify

Evaluation runs include a synthetic set whose generation method is documented.

### Links

- [Generate synthetic and simulated data for evaluation](https://learn.microsoft.com/azure/ai-foundry/how-to/develop/simulator-interaction-data)

awaf:genai_evaluation/ge_synthetic_data
'
fi

# 53. Key technical decisions affecting behaviour are recorded and auditable
if awaf_exists 'awaf:rai_governance/gov_decision_log'; then
	echo 'skip awaf:rai_governance/gov_decision_log: an issue exists' >&2
else
	gh issue create \
		--title='Key technical decisions affecting behaviour are recorded and auditable' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_decision_log
- **Design area:** Responsible AI
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 22.4 (rank 53)

### What to do

Record decisions such as model choice, filter thresholds, data sources and autonomy levels as architecture decision records with rationale.

### Why it matters

Auditors and future maintainers need to know why the system behaves as it does.

### How to verify

Decision records for these topics exist in the repository.

### Links

- [Responsible AI in AI workloads](https://learn.microsoft.com/azure/well-architected/ai/responsible-ai)

awaf:rai_governance/gov_decision_log
'
fi

# 54. New versions can receive mirrored production traffic without answering users
if awaf_exists 'awaf:safe_deployment/sd_shadow'; then
	echo 'skip awaf:safe_deployment/sd_shadow: an issue exists' >&2
else
	gh issue create \
		--title='New versions can receive mirrored production traffic without answering users' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 10; business-critical workload; external users; medium effort

- **Question:** Which of these practices do you apply to roll out and roll back AI changes safely? (safe_deployment)
- **Practice:** sd_shadow
- **Design area:** MLOps and GenAIOps
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 21.5 (rank 54)

### What to do

Mirror a share of live requests to the candidate (mirror traffic on managed online endpoints, or a shadow call in the orchestrator) and compare outputs offline.

### Why it matters

Shadowing tests real inputs and load with no user impact.

### How to verify

Endpoint mirror_traffic settings or shadow-call code and comparison reports exist.

### Links

- [Safe rollout for online endpoints](https://learn.microsoft.com/azure/machine-learning/how-to-safely-rollout-online-endpoints)

awaf:safe_deployment/sd_shadow
'
fi

# 55. The system is red teamed before release and after major changes
if awaf_exists 'awaf:rai_governance/gov_red_teaming'; then
	echo 'skip awaf:rai_governance/gov_red_teaming: an issue exists' >&2
else
	gh issue create \
		--title='The system is red teamed before release and after major changes' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 25; business-critical workload; confidential data; external users; high effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_red_teaming
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** high
- **Horizon:** next
- **Priority score:** 20.9 (rank 55)

### What to do

Run manual and automated red teaming (for example the AI Red Teaming Agent or PyRIT) against the full application, covering harmful content, jailbreaks and data leakage, and fix findings before release.

### Why it matters

Adversaries probe the whole system, not the model alone; red teaming finds combined failures tests miss.

### How to verify

A red team report for the current major version exists with findings and their status.

### Links

- [Planning red teaming for large language models](https://learn.microsoft.com/azure/ai-services/openai/concepts/red-teaming)
- [AI Red Teaming Agent](https://learn.microsoft.com/azure/ai-foundry/concepts/ai-red-teaming-agent)

awaf:rai_governance/gov_red_teaming
'
fi

# 56. Search indexers and skills reach data and models over shared private links
if awaf_exists 'awaf:platform_network/nw_shared_private_link'; then
	echo 'skip awaf:platform_network/nw_shared_private_link: an issue exists' >&2
else
	gh issue create \
		--title='Search indexers and skills reach data and models over shared private links' \
		--label='awaf,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these network controls do you apply to the AI platform? (platform_network)
- **Practice:** nw_shared_private_link
- **Design area:** Application platform
- **Pillars:** Security
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 20.7 (rank 56)

### What to do

Create shared private link resources from AI Search to the storage, databases and model accounts its indexers and vectorizers call, and run indexers in the private execution environment.

### Why it matters

Without them, indexing forces data sources and model accounts to stay publicly reachable.

### How to verify

The search service lists approved shared private link resources for each indexer data source and embedding model account.

### Links

- [Make outbound connections through a shared private link](https://learn.microsoft.com/azure/search/search-indexer-howto-access-private)

awaf:platform_network/nw_shared_private_link
'
fi

# 57. Vector compression and storage options reduce index size
if awaf_exists 'awaf:vector_store_cost/vc_compression'; then
	echo 'skip awaf:vector_store_cost/vc_compression: an issue exists' >&2
else
	gh issue create \
		--title='Vector compression and storage options reduce index size' \
		--label='awaf,cost,performance,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 20; business-critical workload; low effort

- **Question:** Which of these practices do you apply to control the cost of the vector store and search index? (vector_store_cost)
- **Practice:** vc_compression
- **Design area:** Data platform
- **Pillars:** Cost Optimization, Performance Efficiency
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 20.7 (rank 57)

### What to do

Apply scalar or binary quantization with rescoring, narrow data types, and stored false on vector fields that are never returned.

### Why it matters

Compression can cut vector storage several-fold, often avoiding an extra partition.

### How to verify

The index vectorSearch section defines compressions and vector fields show stored false where possible.

### Links

- [Reduce vector size through quantization, narrow data types and storage options](https://learn.microsoft.com/azure/search/vector-search-how-to-configure-compression-storage)

awaf:vector_store_cost/vc_compression
'
fi

# 58. The gateway emits token usage per consumer for showback or chargeback
if awaf_exists 'awaf:ai_gateway/gw_usage_chargeback'; then
	echo 'skip awaf:ai_gateway/gw_usage_chargeback: an issue exists' >&2
else
	gh issue create \
		--title='The gateway emits token usage per consumer for showback or chargeback' \
		--label='awaf,cost,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 15; business-critical workload; low effort

- **Question:** Which of these gateway practices do you apply to traffic between your application and the models? (ai_gateway)
- **Practice:** gw_usage_chargeback
- **Design area:** Application design
- **Pillars:** Cost Optimization, Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 20.5 (rank 58)

### What to do

Emit prompt and completion token counts as metrics with consumer, tenant and deployment dimensions (llm-emit-token-metric or azure-openai-emit-token-metric) and report them per cost owner.

### Why it matters

Token spend is the largest variable cost of a generative workload; without attribution nobody owns it.

### How to verify

Application Insights custom metrics show token counts split by a consumer dimension; a monthly report or workbook allocates cost per tenant or team.

### Links

- [Emit metrics for consumption of large language model tokens](https://learn.microsoft.com/azure/api-management/azure-openai-emit-token-metric-policy)

awaf:ai_gateway/gw_usage_chargeback
'
fi

# 59. Every response is logged with the prompt version and model version that produced it
if awaf_exists 'awaf:prompt_model_versioning/pv_version_tagged_telemetry'; then
	echo 'skip awaf:prompt_model_versioning/pv_version_tagged_telemetry: an issue exists' >&2
else
	gh issue create \
		--title='Every response is logged with the prompt version and model version that produced it' \
		--label='awaf,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 15; business-critical workload; low effort

- **Question:** How do you version prompts and models and prepare for model deprecation? (prompt_model_versioning)
- **Practice:** pv_version_tagged_telemetry
- **Design area:** Application design
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 20.5 (rank 59)

### What to do

Add prompt version, model name, model version and deployment to the trace attributes of every model call.

### Why it matters

Quality regressions can only be tied to a change when each answer carries the versions behind it.

### How to verify

A trace in Application Insights shows attributes such as gen_ai.request.model and a prompt version field for each model call.

### Links

- [Azure OpenAI monitoring](https://learn.microsoft.com/azure/ai-services/openai/how-to/monitor-openai)

awaf:prompt_model_versioning/pv_version_tagged_telemetry
'
fi

# 60. A sample of production traffic is evaluated continuously with the same evaluators
if awaf_exists 'awaf:genai_evaluation/ge_online_evaluation'; then
	echo 'skip awaf:genai_evaluation/ge_online_evaluation: an issue exists' >&2
else
	gh issue create \
		--title='A sample of production traffic is evaluated continuously with the same evaluators' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply to evaluate generative answers before and after release? (genai_evaluation)
- **Practice:** ge_online_evaluation
- **Design area:** Test and evaluate
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 20 (rank 60)
- **Top 10:** Model performance metrics

### What to do

Evaluate a sampled share of live interactions (for example 1 to 5%) on a schedule for groundedness, relevance and safety, respecting privacy rules.

### Why it matters

Production questions drift away from the test set; continuous evaluation notices.

### How to verify

Scheduled or continuous evaluation results from production samples exist for recent days.

### Links

- [Observability in generative AI](https://learn.microsoft.com/azure/ai-foundry/concepts/observability)

awaf:genai_evaluation/ge_online_evaluation
'
fi

# 61. Cost per request or per conversation is measured and has a target
if awaf_exists 'awaf:inference_cost/ic_cost_per_request'; then
	echo 'skip awaf:inference_cost/ic_cost_per_request: an issue exists' >&2
else
	gh issue create \
		--title='Cost per request or per conversation is measured and has a target' \
		--label='awaf,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Cost Optimization is your #6 priority; weight 20; business-critical workload; low effort

- **Question:** Which of these practices do you apply to keep the token cost of each request in check? (inference_cost)
- **Practice:** ic_cost_per_request
- **Design area:** Application design
- **Pillars:** Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 18.9 (rank 61)

### What to do

Compute tokens and cost per request, conversation or business transaction from telemetry and compare it with a target from the cost model.

### Why it matters

A unit cost is the number that shows whether a prompt change, a new model or an agent loop made the workload more expensive.

### How to verify

A dashboard or report shows cost or tokens per request over time with a target line.

### Links

- [Plan to manage costs for Azure OpenAI](https://learn.microsoft.com/azure/ai-services/openai/how-to/manage-costs)

awaf:inference_cost/ic_cost_per_request
'
fi

# 62. Index storage and vector quota growth are tracked with an alert before limits are reached
if awaf_exists 'awaf:vector_store_cost/vc_growth_tracking'; then
	echo 'skip awaf:vector_store_cost/vc_growth_tracking: an issue exists' >&2
else
	gh issue create \
		--title='Index storage and vector quota growth are tracked with an alert before limits are reached' \
		--label='awaf,cost,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; low effort

- **Question:** Which of these practices do you apply to control the cost of the vector store and search index? (vector_store_cost)
- **Practice:** vc_growth_tracking
- **Design area:** Data platform
- **Pillars:** Cost Optimization, Performance Efficiency
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 18.8 (rank 62)

### What to do

Chart storage and vector index size per partition and alert at about 80% of the tier limit; forecast growth from ingestion volumes.

### Why it matters

Hitting a limit stops indexing; upgrading under pressure costs more than planning.

### How to verify

An alert or scheduled check on index statistics (vector index size versus quota) exists.

### Links

- [Service limits in Azure AI Search](https://learn.microsoft.com/azure/search/search-limits-quotas-capacity)

awaf:vector_store_cost/vc_growth_tracking
'
fi

# 63. Load test results decide SKUs, instance counts and provisioned units
if awaf_exists 'awaf:load_testing/lt_sku_selection'; then
	echo 'skip awaf:load_testing/lt_sku_selection: an issue exists' >&2
else
	gh issue create \
		--title='Load test results decide SKUs, instance counts and provisioned units' \
		--label='awaf,performance,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; low effort

- **Question:** Which of these practices do you apply to load test the AI workload and size its capacity? (load_testing)
- **Practice:** lt_sku_selection
- **Design area:** Test and evaluate
- **Pillars:** Performance Efficiency, Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 18.8 (rank 63)
- **Top 10:** Application platform performance

### What to do

Use measured throughput per instance, per replica and per provisioned unit to set capacity, documenting the calculation.

### Why it matters

Capacity chosen from guesses is either too small for peaks or paid for and idle.

### How to verify

The capacity decision references the load test results.

### Links

- [Provisioned throughput capacity planning](https://learn.microsoft.com/azure/ai-services/openai/how-to/provisioned-throughput-onboarding)

awaf:load_testing/lt_sku_selection
'
fi

# 64. Components talk through standard interfaces such as OpenAPI, ONNX and OpenTelemetry
if awaf_exists 'awaf:app_architecture/aa_standard_interfaces'; then
	echo 'skip awaf:app_architecture/aa_standard_interfaces: an issue exists' >&2
else
	gh issue create \
		--title='Components talk through standard interfaces such as OpenAPI, ONNX and OpenTelemetry' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these architecture practices do you apply to separate and protect the AI parts of the application? (app_architecture)
- **Practice:** aa_standard_interfaces
- **Design area:** Application design
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 18.4 (rank 64)

### What to do

Describe tools and internal APIs with OpenAPI, export classic models to ONNX where the runtime allows, and emit telemetry with OpenTelemetry semantic conventions.

### Why it matters

Standard contracts let you swap a model, a runtime or an observability backend without rewriting the orchestrator, and keep tool schemas reviewable.

### How to verify

OpenAPI documents exist in the repository for each tool; the application uses an OpenTelemetry exporter (for example the Azure Monitor OpenTelemetry distro).

### Links

- [Application design for AI workloads on Azure](https://learn.microsoft.com/azure/well-architected/ai/application-design)

awaf:app_architecture/aa_standard_interfaces
'
fi

# 65. Unanswered and poorly rated questions are reviewed to add or fix content
if awaf_exists 'awaf:grounding_maintenance/gm_coverage_review'; then
	echo 'skip awaf:grounding_maintenance/gm_coverage_review: an issue exists' >&2
else
	gh issue create \
		--title='Unanswered and poorly rated questions are reviewed to add or fix content' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices keep the grounding index current, correct and safely changeable? (grounding_maintenance)
- **Practice:** gm_coverage_review
- **Design area:** Grounding data design
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 18.4 (rank 65)
- **Top 10:** Grounding index maintenance

### What to do

Review no-answer responses and negative feedback regularly and route content gaps to source owners.

### Why it matters

User questions change over time; the index must follow them.

### How to verify

A recurring review produces a list of content gaps with owners and dates.

### Links

- [Grounding data design for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/grounding-data-design)

awaf:grounding_maintenance/gm_coverage_review
'
fi

# 66. Each production deployment traces back to its commit, data version, parameters and evaluation run
if awaf_exists 'awaf:mlops_automation/ml_lineage'; then
	echo 'skip awaf:mlops_automation/ml_lineage: an issue exists' >&2
else
	gh issue create \
		--title='Each production deployment traces back to its commit, data version, parameters and evaluation run' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 20; business-critical workload; medium effort

- **Question:** Which of these automation practices do you apply to build and release models, prompts, flows and indexes? (mlops_automation)
- **Practice:** ml_lineage
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 18.1 (rank 66)

### What to do

Tag deployments with the commit, pipeline run, model or prompt version, dataset or index version, and the evaluation run that approved them.

### Why it matters

Incident analysis and audits start with what exactly is running.

### How to verify

For the live deployment, these tags or release notes identify all five items.

### Links

- [MLOps model management and deployment](https://learn.microsoft.com/azure/machine-learning/concept-model-management-and-deployment)

awaf:mlops_automation/ml_lineage
'
fi

# 67. Costs are attributed to tenants, teams or use cases that own them
if awaf_exists 'awaf:cost_management/cm_tenant_accountability'; then
	echo 'skip awaf:cost_management/cm_tenant_accountability: an issue exists' >&2
else
	gh issue create \
		--title='Costs are attributed to tenants, teams or use cases that own them' \
		--label='awaf,cost,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 20; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to plan, attribute and reduce the cost of the AI workload? (cost_management)
- **Practice:** cm_tenant_accountability
- **Design area:** Operations
- **Pillars:** Cost Optimization, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 18.1 (rank 67)

### What to do

Tag resources with cost owner and use token usage per consumer from the gateway or telemetry to allocate shared model and search costs.

### Why it matters

Shared AI platforms grow without limit when no consumer sees its own bill.

### How to verify

A showback or chargeback report splits AI spend by tenant or team.

### Links

- [Emit metrics for consumption of large language model tokens](https://learn.microsoft.com/azure/api-management/azure-openai-emit-token-metric-policy)

awaf:cost_management/cm_tenant_accountability
'
fi

# 68. Evaluations run automatically in the delivery pipeline on every relevant change
if awaf_exists 'awaf:genai_evaluation/ge_automated_pipeline'; then
	echo 'skip awaf:genai_evaluation/ge_automated_pipeline: an issue exists' >&2
else
	gh issue create \
		--title='Evaluations run automatically in the delivery pipeline on every relevant change' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 20; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to evaluate generative answers before and after release? (genai_evaluation)
- **Practice:** ge_automated_pipeline
- **Design area:** Test and evaluate
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 18.1 (rank 68)
- **Top 10:** Automated model evaluation in operations

### What to do

Call the evaluation SDK or Azure AI Foundry evaluation from CI for changes to prompts, models, orchestration code, chunking or index settings.

### Why it matters

Manual evaluations are skipped or run on a handful of questions.

### How to verify

The pipeline has an evaluation stage and its results are attached to recent runs.

### Links

- [MLOps and GenAIOps for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/mlops-genaiops)

awaf:genai_evaluation/ge_automated_pipeline
'
fi

# 69. Provisioned throughput utilization is reviewed and steady capacity is covered by reservations
if awaf_exists 'awaf:cost_management/cm_ptu_utilization'; then
	echo 'skip awaf:cost_management/cm_ptu_utilization: an issue exists' >&2
else
	gh issue create \
		--title='Provisioned throughput utilization is reviewed and steady capacity is covered by reservations' \
		--label='awaf,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Cost Optimization is your #6 priority; weight 15; business-critical workload; low effort

- **Question:** Which of these practices do you apply to plan, attribute and reduce the cost of the AI workload? (cost_management)
- **Practice:** cm_ptu_utilization
- **Design area:** Operations
- **Pillars:** Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 17.1 (rank 69)

### What to do

Review provisioned deployment utilization monthly, shrink underused deployments, and buy monthly or yearly reservations for the stable part.

### Why it matters

Idle provisioned units are paid for by the hour; reservations discount capacity that is used anyway.

### How to verify

Utilization charts are reviewed in a monthly record; reservations match steady provisioned units.

### Links

- [Azure OpenAI provisioned throughput](https://learn.microsoft.com/azure/ai-services/openai/concepts/provisioned-throughput)

awaf:cost_management/cm_ptu_utilization
'
fi

# 70. Prompts put static content first so provider prompt caching discounts repeated prefixes
if awaf_exists 'awaf:inference_cost/ic_prompt_prefix'; then
	echo 'skip awaf:inference_cost/ic_prompt_prefix: an issue exists' >&2
else
	gh issue create \
		--title='Prompts put static content first so provider prompt caching discounts repeated prefixes' \
		--label='awaf,cost,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply to keep the token cost of each request in check? (inference_cost)
- **Practice:** ic_prompt_prefix
- **Design area:** Application design
- **Pillars:** Cost Optimization, Performance Efficiency
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 16.9 (rank 70)

### What to do

Order prompts so the system message, tool definitions and examples form a stable prefix and variable content comes last, to benefit from prompt caching on supported models.

### Why it matters

Cached input tokens cost less on standard deployments, use less provisioned capacity, and shorten the time to first token.

### How to verify

Usage data shows cached_tokens in prompt_tokens_details greater than zero for repeated requests.

### Links

- [Prompt caching with Azure OpenAI](https://learn.microsoft.com/azure/ai-services/openai/how-to/prompt-caching)

awaf:inference_cost/ic_prompt_prefix
'
fi

# 71. The team has assessed its MLOps or GenAIOps maturity and keeps an improvement plan
if awaf_exists 'awaf:mlops_automation/ml_maturity'; then
	echo 'skip awaf:mlops_automation/ml_maturity: an issue exists' >&2
else
	gh issue create \
		--title='The team has assessed its MLOps or GenAIOps maturity and keeps an improvement plan' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 5; business-critical workload; low effort

- **Question:** Which of these automation practices do you apply to build and release models, prompts, flows and indexes? (mlops_automation)
- **Practice:** ml_maturity
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 16.3 (rank 71)

### What to do

Rate current practice against the MLOps maturity model and list the next steps with owners.

### Why it matters

Maturity grows in steps; knowing the current level keeps the next investment focused.

### How to verify

A dated maturity assessment and plan exist.

### Links

- [Machine learning operations maturity model](https://learn.microsoft.com/azure/architecture/ai-ml/guide/mlops-maturity-model)

awaf:mlops_automation/ml_maturity
'
fi

# 72. Non-interactive bulk work uses the Batch API or off-peak processing instead of real-time calls
if awaf_exists 'awaf:inference_cost/ic_batch_api'; then
	echo 'skip awaf:inference_cost/ic_batch_api: an issue exists' >&2
else
	gh issue create \
		--title='Non-interactive bulk work uses the Batch API or off-peak processing instead of real-time calls' \
		--label='awaf,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Cost Optimization is your #6 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply to keep the token cost of each request in check? (inference_cost)
- **Practice:** ic_batch_api
- **Design area:** Application design
- **Pillars:** Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 15.3 (rank 72)

### What to do

Send document processing, offline summarization and evaluation jobs through a Global Batch deployment or schedule them in off-peak windows.

### Why it matters

Batch pricing is about half the standard rate and batch jobs do not compete with interactive traffic for quota.

### How to verify

A batch deployment exists and bulk jobs reference it; interactive deployments show no large nightly spikes from bulk jobs.

### Links

- [Azure OpenAI batch deployments](https://learn.microsoft.com/azure/ai-services/openai/how-to/batch)

awaf:inference_cost/ic_batch_api
'
fi

# 73. Indexing and embedding costs are estimated and incremental enrichment avoids reprocessing
if awaf_exists 'awaf:vector_store_cost/vc_skillset_cost'; then
	echo 'skip awaf:vector_store_cost/vc_skillset_cost: an issue exists' >&2
else
	gh issue create \
		--title='Indexing and embedding costs are estimated and incremental enrichment avoids reprocessing' \
		--label='awaf,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Cost Optimization is your #6 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply to control the cost of the vector store and search index? (vector_store_cost)
- **Practice:** vc_skillset_cost
- **Design area:** Data platform
- **Pillars:** Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 15.3 (rank 73)

### What to do

Estimate the cost of skillsets (OCR, layout, embeddings) per document and use change detection and enrichment caching so unchanged documents are not reprocessed.

### Why it matters

Full re-indexing calls paid skills and embedding models for every document again.

### How to verify

Indexers use change detection; the skillset has a cache configured or the pipeline skips unchanged documents.

### Links

- [Incremental enrichment and caching in Azure AI Search](https://learn.microsoft.com/azure/search/cognitive-search-incremental-indexing-conceptual)

awaf:vector_store_cost/vc_skillset_cost
'
fi

# 74. Repeated answers are served from a cache keyed by tenant, policy, model and prompt version
if awaf_exists 'awaf:inference_cost/ic_caching'; then
	echo 'skip awaf:inference_cost/ic_caching: an issue exists' >&2
else
	gh issue create \
		--title='Repeated answers are served from a cache keyed by tenant, policy, model and prompt version' \
		--label='awaf,cost,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to keep the token cost of each request in check? (inference_cost)
- **Practice:** ic_caching
- **Design area:** Application design
- **Pillars:** Cost Optimization, Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 15 (rank 74)

### What to do

Cache exact or semantically similar requests (for example the API Management semantic cache policies with Azure Managed Redis) with keys that include tenant, security context, model and prompt version, and a TTL.

### Why it matters

Frequently asked questions need not hit the model each time; a key without tenant or permission context would leak answers across users.

### How to verify

The cache key definition includes tenant and prompt version; cache hit rate and TTL are visible in metrics or configuration.

### Links

- [Enable semantic caching for LLM APIs in Azure API Management](https://learn.microsoft.com/azure/api-management/azure-openai-enable-semantic-caching)

awaf:inference_cost/ic_caching
'
fi

# 75. Embedding dimensions are no larger than retrieval quality needs
if awaf_exists 'awaf:vector_store_cost/vc_dimensions'; then
	echo 'skip awaf:vector_store_cost/vc_dimensions: an issue exists' >&2
else
	gh issue create \
		--title='Embedding dimensions are no larger than retrieval quality needs' \
		--label='awaf,cost,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to control the cost of the vector store and search index? (vector_store_cost)
- **Practice:** vc_dimensions
- **Design area:** Data platform
- **Pillars:** Cost Optimization, Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 15 (rank 75)

### What to do

Test smaller output dimensions (for example the dimensions parameter of text-embedding-3 models) or smaller embedding models against retrieval metrics and use the smallest that holds quality.

### Why it matters

Vector storage and memory grow linearly with dimensions.

### How to verify

Evaluation results compare dimension settings; the index uses the chosen value.

### Links

- [Vector index size and staying under limits](https://learn.microsoft.com/azure/search/vector-search-index-size)

awaf:vector_store_cost/vc_dimensions
'
fi

# 76. Competing versions are A/B tested in production on quality and business metrics
if awaf_exists 'awaf:safe_deployment/sd_ab_testing'; then
	echo 'skip awaf:safe_deployment/sd_ab_testing: an issue exists' >&2
else
	gh issue create \
		--title='Competing versions are A/B tested in production on quality and business metrics' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 10; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to roll out and roll back AI changes safely? (safe_deployment)
- **Practice:** sd_ab_testing
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 14.7 (rank 76)

### What to do

Split users between versions for a set period and compare feedback, task completion and quality metrics with enough volume to decide.

### Why it matters

Offline evaluation predicts but does not prove user value.

### How to verify

An experiment record shows variants, metrics, sample size and decision.

### Links

- [Operations for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/operations)

awaf:safe_deployment/sd_ab_testing
'
fi

# 77. Duplicate and near-duplicate content is removed, and sources are mapped to one schema
if awaf_exists 'awaf:grounding_preparation/gp_dedupe'; then
	echo 'skip awaf:grounding_preparation/gp_dedupe: an issue exists' >&2
else
	gh issue create \
		--title='Duplicate and near-duplicate content is removed, and sources are mapped to one schema' \
		--label='awaf,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 10; business-critical workload; medium effort

- **Question:** Which of these practices do you apply when preparing content for the grounding index? (grounding_preparation)
- **Practice:** gp_dedupe
- **Design area:** Grounding data design
- **Pillars:** Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 13.5 (rank 77)

### What to do

Detect duplicates across sources and versions before indexing and map every source to a common document schema.

### Why it matters

Duplicates crowd out diverse results in the top-k and can surface outdated copies.

### How to verify

The ingestion pipeline reports duplicates dropped per run; all sources share one index schema.

### Links

- [Grounding data design for AI workloads](https://learn.microsoft.com/azure/well-architected/ai/grounding-data-design)

awaf:grounding_preparation/gp_dedupe
'
fi

# 78. Identities are separate per component and per environment
if awaf_exists 'awaf:platform_identity/id_segmented_identities'; then
	echo 'skip awaf:platform_identity/id_segmented_identities: an issue exists' >&2
else
	gh issue create \
		--title='Identities are separate per component and per environment' \
		--label='awaf,security,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these identity and access practices do you apply to models, indexes and data stores? (platform_identity)
- **Practice:** id_segmented_identities
- **Design area:** Application platform
- **Pillars:** Security
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 11.9 (rank 78)

### What to do

Use different identities for the front end, orchestrator, indexer and pipelines, and never share an identity between development and production.

### Why it matters

Shared identities widen the blast radius and blur audit trails.

### How to verify

Production and non-production resources use different principal IDs; no identity holds roles in both.

### Links

- [Application design for AI workloads on Azure](https://learn.microsoft.com/azure/well-architected/ai/application-design)

awaf:platform_identity/id_segmented_identities
'
fi

# 79. Whether to use one index with filters or separate indexes per tenant or domain was decided deliberately
if awaf_exists 'awaf:grounding_index_design/gd_index_topology'; then
	echo 'skip awaf:grounding_index_design/gd_index_topology: an issue exists' >&2
else
	gh issue create \
		--title='Whether to use one index with filters or separate indexes per tenant or domain was decided deliberately' \
		--label='awaf,security,cost,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when designing the grounding index? (grounding_index_design)
- **Practice:** gd_index_topology
- **Design area:** Grounding data design
- **Pillars:** Security, Cost Optimization
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 11.9 (rank 79)

### What to do

Decide between a shared index with tenant or domain filters and separate indexes or services, weighing isolation, cost, limits and relevance tuning.

### Why it matters

A shared index relies entirely on filters for isolation; separate indexes cost more and hit per-service index limits.

### How to verify

A design record names the chosen topology and the reasons.

### Links

- [Design patterns for multitenant SaaS applications and Azure AI Search](https://learn.microsoft.com/azure/search/search-modeling-multitenant-saas-applications)

awaf:grounding_index_design/gd_index_topology
'
fi

# 80. Protected material detection is on for text and code outputs
if awaf_exists 'awaf:content_safety/cs_protected_material'; then
	echo 'skip awaf:content_safety/cs_protected_material: an issue exists' >&2
else
	gh issue create \
		--title='Protected material detection is on for text and code outputs' \
		--label='awaf,responsible-ai,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these content safety controls do you apply to model inputs and outputs? (content_safety)
- **Practice:** cs_protected_material
- **Design area:** Responsible AI
- **Pillars:** Responsible AI
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 10.3 (rank 80)

### What to do

Enable protected material filters for text and code on completions.

### Why it matters

Reproducing copyrighted text or licensed code creates legal exposure for the operator.

### How to verify

The RAI policy includes protected material text and code filters enabled.

### Links

- [Content filtering in Azure OpenAI](https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter)

awaf:content_safety/cs_protected_material
'
fi

# 81. Images, audio and files are screened as well as text
if awaf_exists 'awaf:content_safety/cs_multimodal'; then
	echo 'skip awaf:content_safety/cs_multimodal: an issue exists' >&2
else
	gh issue create \
		--title='Images, audio and files are screened as well as text' \
		--label='awaf,security,responsible-ai,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these content safety controls do you apply to model inputs and outputs? (content_safety)
- **Practice:** cs_multimodal
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** none
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 9.5 (rank 81)
- **Top 10:** Security controls in Responsible AI

### What to do

Apply image moderation to uploaded and generated images, and filter transcripts of audio and text extracted from files, through the same safety checks as text.

### Why it matters

Attackers move to the modality nobody inspects.

### How to verify

The upload and generation paths call image analysis or content filters; tests with unsafe images are blocked.

### Links

- [What is Azure AI Content Safety](https://learn.microsoft.com/azure/ai-services/content-safety/overview)

awaf:content_safety/cs_multimodal
'
fi

# 82. Ungrounded answers are detected and blocked or corrected before users see them
if awaf_exists 'awaf:content_safety/cs_groundedness_detection'; then
	echo 'skip awaf:content_safety/cs_groundedness_detection: an issue exists' >&2
else
	gh issue create \
		--title='Ungrounded answers are detected and blocked or corrected before users see them' \
		--label='awaf,responsible-ai,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these content safety controls do you apply to model inputs and outputs? (content_safety)
- **Practice:** cs_groundedness_detection
- **Design area:** Responsible AI
- **Pillars:** Responsible AI
- **Risk:** none
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 9.2 (rank 82)

### What to do

Check completions against their grounding sources with groundedness detection and block, regenerate or flag ungrounded answers.

### Why it matters

In RAG, a confident answer not supported by sources is the most damaging failure.

### How to verify

The orchestrator or filter calls groundedness detection and logs the outcome.

### Links

- [Groundedness detection](https://learn.microsoft.com/azure/ai-services/content-safety/concepts/groundedness)

awaf:content_safety/cs_groundedness_detection
'
fi

# 83. Custom blocklists cover terms specific to your domain and brand
if awaf_exists 'awaf:content_safety/cs_blocklists'; then
	echo 'skip awaf:content_safety/cs_blocklists: an issue exists' >&2
else
	gh issue create \
		--title='Custom blocklists cover terms specific to your domain and brand' \
		--label='awaf,responsible-ai,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Responsible AI is your #3 priority; weight 5; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these content safety controls do you apply to model inputs and outputs? (content_safety)
- **Practice:** cs_blocklists
- **Design area:** Responsible AI
- **Pillars:** Responsible AI
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 9.1 (rank 83)

### What to do

Add blocklists for terms the default categories do not cover (competitor names, internal code names, regulated terms) and attach them to the filter policy.

### Why it matters

Category filters target general harms, not organization-specific risks.

### How to verify

The RAI policy references custom blocklists with reviewed entries.

### Links

- [Use blocklists with Azure OpenAI](https://learn.microsoft.com/azure/ai-services/openai/how-to/use-blocklists)

awaf:content_safety/cs_blocklists
'
fi

# 84. Data moves to cheaper tiers as it ages and is deleted at the end of its retention
if awaf_exists 'awaf:data_platform_design/dp_storage_tiering'; then
	echo 'skip awaf:data_platform_design/dp_storage_tiering: an issue exists' >&2
else
	gh issue create \
		--title='Data moves to cheaper tiers as it ages and is deleted at the end of its retention' \
		--label='awaf,cost,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Cost Optimization is your #6 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply when choosing and running the stores and pipelines for AI data? (data_platform_design)
- **Practice:** dp_storage_tiering
- **Design area:** Data platform
- **Pillars:** Cost Optimization
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 7.1 (rank 84)

### What to do

Apply storage lifecycle rules that move raw and historical data to cool, cold or archive tiers and delete it after retention.

### Why it matters

Raw training and log data grows quickly and is rarely read after processing.

### How to verify

Lifecycle management policies exist on data lake accounts with tier and delete actions.

### Links

- [Azure Blob Storage lifecycle management](https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview)

awaf:data_platform_design/dp_storage_tiering
'
fi
