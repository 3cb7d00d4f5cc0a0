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

# 1. Retired deployments, endpoints, indexes, caches, role assignments and private endpoints are deleted; a query shows none remain
if awaf_exists 'awaf:decommissioning/dc_deletion_verified'; then
	echo 'skip awaf:decommissioning/dc_deletion_verified: an issue exists' >&2
else
	gh issue create \
		--title='Retired deployments, endpoints, indexes, caches, role assignments and private endpoints are deleted; a query shows none remain' \
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

When an asset is retired, remove its model deployments, endpoints, indexes, caches, role assignments and private endpoints, then run a Resource Graph query for the asset'\''s names or tags to confirm nothing is left.

### Why it matters

A leftover deployment holds quota and costs money, and a leftover index keeps serving content that was meant to be gone.

### How to verify

The retirement record lists the deleted resources and the query result showing none of them remain.

### Links

- [Starter Resource Graph query samples](https://learn.microsoft.com/azure/governance/resource-graph/samples/starter)

awaf:decommissioning/dc_deletion_verified
'
fi

# 2. User input and retrieved content are passed as marked data blocks, never concatenated into the system message
if awaf_exists 'awaf:prompt_security/ps_untrusted_delimited'; then
	echo 'skip awaf:prompt_security/ps_untrusted_delimited: an issue exists' >&2
else
	gh issue create \
		--title='User input and retrieved content are passed as marked data blocks, never concatenated into the system message' \
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

### What to do

Pass user input in user messages and retrieved content in delimited, labelled blocks (spotlighting, for example with document markers or encoding), so that the model and the filters can tell data from instructions.

### Why it matters

Text mixed into the instructions makes an injected command indistinguishable from yours.

### How to verify

The prompt templates put untrusted content in marked sections outside the system message.

### Links

- [Embed documents in prompts for attack detection](https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter-document-embedding)

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

A release criteria document or pipeline configuration lists each metric, its threshold and the confidence required (for example a minimum sample size or a confidence interval), and the criteria are reviewed before each major release.

### Links

- [Use quality metrics as decision gates for deployment](https://learn.microsoft.com/azure/well-architected/ai/test#use-quality-metrics-for-model-evaluation)

awaf:release_gates/rg_numeric_thresholds
'
fi

# 4. An inventory lists every model, deployment, endpoint, agent, index and dataset with owner, status and planned end date
if awaf_exists 'awaf:decommissioning/dc_inventory'; then
	echo 'skip awaf:decommissioning/dc_inventory: an issue exists' >&2
else
	gh issue create \
		--title='An inventory lists every model, deployment, endpoint, agent, index and dataset with owner, status and planned end date' \
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

Keep an inventory built from AI security posture discovery or Resource Graph, plus the model registries, agent lists and index lists, with owner, purpose, status and planned end date of each AI asset.

### Why it matters

An asset nobody owns is never retired and never patched.

### How to verify

The inventory exists and matches a fresh discovery of AI resources in the workload'\''s subscriptions; every entry has an owner.

### Links

- [AI security posture management in Defender for Cloud](https://learn.microsoft.com/azure/defender-for-cloud/ai-security-posture)

awaf:decommissioning/dc_inventory
'
fi

# 5. Every model, prompt, index or data change runs the evaluation suite in the pipeline; a missed threshold fails it
if awaf_exists 'awaf:release_gates/rg_pipeline_enforced'; then
	echo 'skip awaf:release_gates/rg_pipeline_enforced: an issue exists' >&2
else
	gh issue create \
		--title='Every model, prompt, index or data change runs the evaluation suite in the pipeline; a missed threshold fails it' \
		--label='awaf,operations,reliability,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Reliability is your #2 priority; weight 30; business-critical workload; external users; medium effort

- **Question:** Which of these release criteria must a model, prompt or index change meet before it reaches production? (release_gates)
- **Practice:** rg_pipeline_enforced
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence, Reliability
- **Risk:** high
- **Effort:** medium
- **Horizon:** now
- **Priority score:** 48.2 (rank 5)
- **Top 10:** Automated model evaluation in operations

### What to do

Trigger the evaluation stage on changes to prompt files, model versions and generation settings, orchestration code, chunking and index definitions, and training data versions (for example with the Microsoft Foundry evaluation GitHub Action or Azure DevOps task, or the evaluation SDK in a pipeline step); compare the results with the written thresholds and fail the pipeline when one is missed, with an override only by a named approver and a recorded reason.

### Why it matters

Prompt, model and data edits are the most frequent source of silent regressions, and thresholds nobody checks under deadline pressure are not gates.

### How to verify

Pipeline triggers cover prompt, configuration, index and data paths; recent changes of each kind link to an evaluation run; a run that missed a threshold shows a failed stage, and overrides are logged with their approver.

### Links

- [Run Microsoft Foundry evaluations in a GitHub Actions pipeline](https://learn.microsoft.com/azure/foundry/how-to/evaluation-github-action)

awaf:release_gates/rg_pipeline_enforced
'
fi

# 6. Results are filtered by the caller's identity, groups or tenant at query time
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
- **Priority score:** 46.5 (rank 6)

### What to do

Store permitted users, groups or tenant on each chunk and apply a filter built from the caller'\''s token claims to every query, or use the service'\''s document-level access control where the source supports it.

### Why it matters

Without trimming, the model summarizes documents the user is not allowed to open.

### How to verify

Every search request in code includes a filter on the permission field derived from the user'\''s token; a test user without access receives no restricted chunks.

### Links

- [Security filters for trimming results in Azure AI Search](https://learn.microsoft.com/azure/search/search-security-trimming-for-azure-search)

awaf:grounding_retrieval/gr_security_trimming
'
fi

# 7. Retirement deletes fine-tuned models and their deployments, uploaded training files, and the files and vector stores of agents
if awaf_exists 'awaf:decommissioning/dc_finetune_cleanup'; then
	echo 'skip awaf:decommissioning/dc_finetune_cleanup: an issue exists' >&2
else
	gh issue create \
		--title='Retirement deletes fine-tuned models and their deployments, uploaded training files, and the files and vector stores of agents' \
		--label='awaf,security,cost,responsible-ai,horizon:now,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_finetune_cleanup
- **Design area:** Operations
- **Pillars:** Security, Cost Optimization, Responsible AI
- **Risk:** high
- **Effort:** low
- **Horizon:** now
- **Priority score:** 44.4 (rank 7)
- **Top 10:** Data retention

### What to do

Make the retirement checklist delete fine-tuned (custom) models and their deployments, the training and validation files uploaded for fine-tuning, and the files, vector stores and conversation data uploaded to Foundry Agent Service for the retired agent or feature.

### Why it matters

These copies live inside the model service, outside the data platform'\''s retention rules; a fine-tuned model and its training file keep the data they were built from.

### How to verify

Listing custom models, uploaded files and vector stores in the Foundry project shows none belonging to retired features, and the checklist has these items ticked for the last retirement.

### Links

- [Deploy and manage fine-tuned models in Microsoft Foundry](https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-deploy)
- [Vector stores for agent file search](https://learn.microsoft.com/azure/foundry/agents/concepts/vector-stores)

awaf:decommissioning/dc_finetune_cleanup
'
fi

# 8. Development and test environments are secured like production and hold no raw production data
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
- **Priority score:** 42.8 (rank 8)
- **Top 10:** Data at rest and in transit

### What to do

Apply the same identity, network and encryption controls to development and test, and use masked, synthetic or sampled data with approval instead of production copies.

### Why it matters

Data scientists often work in the least protected environment with the most sensitive data.

### How to verify

Development and test resources pass the same policy assignments; data assets there are synthetic or masked, with an approval record for any exception.

### Links

- [Security requirements for workflows and the data they process](https://learn.microsoft.com/azure/well-architected/ai/data-platform#what-are-the-security-requirements-on-the-workflows-and-on-the-data-that-you-process)

awaf:data_protection/dpt_nonprod_parity
'
fi

# 9. A recurring check finds deployments, endpoints and indexes without traffic and compute without jobs, and removes them
if awaf_exists 'awaf:decommissioning/dc_orphan_cleanup'; then
	echo 'skip awaf:decommissioning/dc_orphan_cleanup: an issue exists' >&2
else
	gh issue create \
		--title='A recurring check finds deployments, endpoints and indexes without traffic and compute without jobs, and removes them' \
		--label='awaf,cost,security,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_orphan_cleanup
- **Design area:** Operations
- **Pillars:** Cost Optimization, Security
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 39.8 (rank 9)

### What to do

Run a scheduled query (Resource Graph plus usage metrics, Advisor cost recommendations) for model deployments and endpoints without traffic for 30 days, indexes without queries and compute without jobs, and remove them after the owner confirms.

### Why it matters

Experiments and proofs of concept leave paid resources and open endpoints behind.

### How to verify

The query and the latest cleanup record exist, and no deployment without traffic for 30 days remains.

### Links

- [Reduce service costs by using Azure Advisor](https://learn.microsoft.com/azure/advisor/advisor-cost-recommendations)

awaf:decommissioning/dc_orphan_cleanup
'
fi

# 10. Models come from an approved catalog or registry with their source and version recorded
if awaf_exists 'awaf:hosting_platform/hp_model_integrity'; then
	echo 'skip awaf:hosting_platform/hp_model_integrity: an issue exists' >&2
else
	gh issue create \
		--title='Models come from an approved catalog or registry with their source and version recorded' \
		--label='awaf,security,operations,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when choosing where and how models are hosted? (hosting_platform)
- **Practice:** hp_model_integrity
- **Design area:** Application platform
- **Pillars:** Security, Operational Excellence
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 39.2 (rank 10)
- **Top 10:** Hosting platform

### What to do

Deploy only models from the Microsoft Foundry model catalog or your own Azure Machine Learning registry, restrict other models with Azure Policy where possible, and record the publisher, version and licence of each.

### Why it matters

An unvetted model has an unknown licence and safety profile, and without a recorded source nobody can tell which model a deployment really runs.

### How to verify

An inventory lists each deployed model with source, version and licence; a policy assignment restricts the allowed models or registries.

### Links

- [Control AI model deployment with Azure Policy](https://learn.microsoft.com/azure/ai-foundry/how-to/built-in-policy-model-deployment)

awaf:hosting_platform/hp_model_integrity
'
fi

# 11. Data tied to a retired asset is deleted or archived under the retention rules, including logs and backups
if awaf_exists 'awaf:decommissioning/dc_data_deletion'; then
	echo 'skip awaf:decommissioning/dc_data_deletion: an issue exists' >&2
else
	gh issue create \
		--title='Data tied to a retired asset is deleted or archived under the retention rules, including logs and backups' \
		--label='awaf,security,responsible-ai,cost,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_data_deletion
- **Design area:** Operations
- **Pillars:** Security, Responsible AI, Cost Optimization
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 39.2 (rank 11)
- **Top 10:** Data retention

### What to do

Apply the retention decision to the training sets, grounding sources, conversation history, evaluation outputs, logs and backups of the retired asset, and record the date and method for each store.

### Why it matters

Data that outlives its purpose breaks privacy commitments and stays exposed to anyone who finds it.

### How to verify

The retirement record shows each data store handled, with date and method (deleted, archived, kept until a stated date).

### Links

- [Manage personal data in Azure Monitor Logs](https://learn.microsoft.com/azure/azure-monitor/logs/personal-data-mgmt)

awaf:decommissioning/dc_data_deletion
'
fi

# 12. Retirement criteria and the person who decides are written down for each model or AI feature before launch
if awaf_exists 'awaf:decommissioning/dc_retirement_criteria'; then
	echo 'skip awaf:decommissioning/dc_retirement_criteria: an issue exists' >&2
else
	gh issue create \
		--title='Retirement criteria and the person who decides are written down for each model or AI feature before launch' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_retirement_criteria
- **Design area:** Operations
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 38.5 (rank 12)

### What to do

Document when a model or feature is retired (quality below threshold for a set period, harm that cannot be mitigated, a replacement that passed evaluation, end of the business need) and who takes the decision.

### Why it matters

Without criteria a failing model stays live because nobody feels entitled to switch it off.

### How to verify

The release record of each production model or feature contains the criteria and names the decision owner.

### Links

- [Manage AI in the Cloud Adoption Framework](https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/ai/manage)

awaf:decommissioning/dc_retirement_criteria
'
fi

# 13. Safety results gate release, such as harmful-content defect rate and jailbreak success rate
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
- **Priority score:** 37.1 (rank 13)

### What to do

Run the risk and safety evaluators and adversarial test sets (including automated red-team scans), set the severity threshold per evaluator, and require the defect rate (share of failed items) to stay below a set limit, for example under 1% harmful responses, before release.

### Why it matters

A change that improves relevance can weaken refusals; safety needs its own bar.

### How to verify

The release report includes safety metrics with thresholds and pass or fail.

### Links

- [Severity thresholds and pass or fail results of risk and safety evaluators](https://learn.microsoft.com/azure/foundry/concepts/evaluation-evaluators/risk-safety-evaluators#example-output)

awaf:release_gates/rg_safety_gate
'
fi

# 14. Per-consumer or per-tenant token limits are enforced at the gateway
if awaf_exists 'awaf:ai_gateway/gw_token_quotas'; then
	echo 'skip awaf:ai_gateway/gw_token_quotas: an issue exists' >&2
else
	gh issue create \
		--title='Per-consumer or per-tenant token limits are enforced at the gateway' \
		--label='awaf,reliability,cost,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 25; business-critical workload; external users; low effort

- **Question:** Which of these gateway practices do you apply to traffic between your application and the models? (ai_gateway)
- **Practice:** gw_token_quotas
- **Design area:** Application design
- **Pillars:** Reliability, Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 36.1 (rank 14)

### What to do

Apply a token limit policy (llm-token-limit, or azure-openai-token-limit for Azure OpenAI APIs, in API Management) keyed by subscription, tenant or user, with a tokens-per-minute rate and, where spend must be capped, a token quota per period.

### Why it matters

Without per-consumer limits one noisy tenant or a runaway agent exhausts the shared deployment quota and drives up cost for everyone.

### How to verify

The API policy contains the token limit element with counter-key set to a tenant or subscription identifier; gateway logs show 429 with a Retry-After header for consumers over their per-minute rate and 403 for consumers whose token quota for the period is used up, each attributed to that consumer.

### Links

- [Limit large language model API token usage](https://learn.microsoft.com/azure/api-management/llm-token-limit-policy)

awaf:ai_gateway/gw_token_quotas
'
fi

# 15. Model files match the publisher's hash or signature, load via safe formats or after a scan, and serving images are signed
if awaf_exists 'awaf:hosting_platform/hp_model_supply_chain'; then
	echo 'skip awaf:hosting_platform/hp_model_supply_chain: an issue exists' >&2
else
	gh issue create \
		--title='Model files match the publisher'\''s hash or signature, load via safe formats or after a scan, and serving images are signed' \
		--label='awaf,security,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when choosing where and how models are hosted? (hosting_platform)
- **Practice:** hp_model_supply_chain
- **Design area:** Application platform
- **Pillars:** Security
- **Risk:** high
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 35.5 (rank 15)

### What to do

Before a model file is registered or loaded, compare it with the checksum or signature its publisher gives; prefer safetensors or ONNX over pickle-based formats and scan any other format (for example with AI model security scanning in Defender for Cloud); build serving containers in your pipeline, sign them (for example with Notation) and let deployments pull only signed images from your own container registry.

### Why it matters

Pickle-based model files run code when they are loaded, and a swapped file or image gives an attacker code execution under the endpoint'\''s identity before any prompt filter sees a request.

### How to verify

The model registration pipeline records the hash check and scan result for each model version; registered models are safetensors or ONNX or carry a clean scan; images in the registry have signatures and deployment policy rejects unsigned ones.

### Links

- [AI model security scanning in Defender for Cloud](https://learn.microsoft.com/azure/defender-for-cloud/ai-model-security)
- [Sign container images with Notation and Azure Key Vault](https://learn.microsoft.com/azure/container-registry/container-registry-tutorial-sign-build-push)

awaf:hosting_platform/hp_model_supply_chain
'
fi

# 16. Alerts fire on throttling rate and on quota or provisioned utilization nearing the limit
if awaf_exists 'awaf:quotas_throughput/qt_quota_alerts'; then
	echo 'skip awaf:quotas_throughput/qt_quota_alerts: an issue exists' >&2
else
	gh issue create \
		--title='Alerts fire on throttling rate and on quota or provisioned utilization nearing the limit' \
		--label='awaf,reliability,performance,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; low effort

- **Question:** How do you plan model quotas and serving capacity, and handle throttling? (quotas_throughput)
- **Practice:** qt_quota_alerts
- **Design area:** Application platform
- **Pillars:** Reliability, Performance Efficiency
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 33 (rank 16)

### What to do

Alert when 429 answers exceed a share of requests (for example 5% over 5 minutes), when provisioned utilization or TPM usage stays above about 80%, and, behind a gateway, on 403 answers from exhausted consumer token quotas, which need a quota decision rather than more capacity.

### Why it matters

Throttling first shows up as slow or failed answers for users; alerts give time to raise quota, add capacity or shift load before users notice.

### How to verify

Azure Monitor alert rules exist on the model account for requests with status 429 and on Provisioned-managed Utilization V2 (or token usage), and gateway alerts split 429 and 403 answers, all routed to an action group.

### Links

- [Monitor Azure OpenAI in Microsoft Foundry Models](https://learn.microsoft.com/azure/ai-foundry/openai/how-to/monitor-openai)

awaf:quotas_throughput/qt_quota_alerts
'
fi

# 17. Residency rules are mapped to each store's region and each model deployment's processing location
if awaf_exists 'awaf:data_governance/dg_residency'; then
	echo 'skip awaf:data_governance/dg_residency: an issue exists' >&2
else
	gh issue create \
		--title='Residency rules are mapped to each store'\''s region and each model deployment'\''s processing location' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these governance practices do you apply to data used by the AI workload? (data_governance)
- **Practice:** dg_residency
- **Design area:** Data platform
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 31.8 (rank 17)
- **Top 10:** Security and governance for data processing

### What to do

Document where each class of data may be stored and processed, then choose store regions and model deployment types to match: Global types may process prompts in any Azure region, Data Zone types only inside the US or EU data zone, Standard and Regional types in the deployment'\''s region. Enforce the choice with policy.

### Why it matters

Prompts carry the same data as the stores they come from; a Global deployment may process them outside the allowed geography even when the resource sits inside it.

### How to verify

The residency map lists each store and model deployment with region and deployment type; an allowed-locations policy is assigned, and a policy denies disallowed deployment SKU names (Microsoft.CognitiveServices/accounts/deployments/sku.name).

### Links

- [Data processing locations of Foundry Models deployment types](https://learn.microsoft.com/azure/foundry/foundry-models/concepts/deployment-types#data-processing-locations)

awaf:data_governance/dg_residency
'
fi

# 18. Azure Policy enforces the data rules on AI resources
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
- **Priority score:** 31.8 (rank 18)
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

# 19. Logs that hold prompts and responses are readable only by named roles, through table-level or workspace access control
if awaf_exists 'awaf:tracing_audit/ta_log_access_control'; then
	echo 'skip awaf:tracing_audit/ta_log_access_control: an issue exists' >&2
else
	gh issue create \
		--title='Logs that hold prompts and responses are readable only by named roles, through table-level or workspace access control' \
		--label='awaf,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices let you trace and audit what the AI system did for each request? (tracing_audit)
- **Practice:** ta_log_access_control
- **Design area:** Operations
- **Pillars:** Security
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 31.8 (rank 19)

### What to do

Keep prompt and response content in separate tables or a separate workspace, grant read access through table-level or workspace RBAC to the few roles that need it, and keep operational metrics readable more widely. Removing personal data before logging is asked in the privacy question.

### Why it matters

Prompt logs collect sensitive text from every user in one place; broad read access turns them into the easiest way to leak it.

### How to verify

The role assignments on the workspace or on the prompt tables list only the named roles, and an account outside them cannot query the tables.

### Links

- [Set table-level read access in Log Analytics](https://learn.microsoft.com/azure/azure-monitor/logs/manage-access#set-table-level-read-access)

awaf:tracing_audit/ta_log_access_control
'
fi

# 20. Reliability targets of the endpoint and every dependency match, with RTO and RPO written down
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
- **Priority score:** 29.9 (rank 20)

### What to do

Set availability, RTO and RPO targets for the user flow, and check that the model, index, memory store, gateway and firewall can each meet them.

### Why it matters

A 99.9% front end in front of a single-replica index is not a 99.9% workload.

### How to verify

A reliability target table lists each dependency'\''s SLA or design target against the workload target.

### Links

- [Recommendations for defining reliability targets](https://learn.microsoft.com/azure/well-architected/reliability/metrics)

awaf:platform_ha/ha_matching_targets
'
fi

# 21. Load tests target a simulator, a mocked API or spare provisioned capacity, never the shared pay-as-you-go deployment
if awaf_exists 'awaf:load_testing/lt_no_paid_endpoints'; then
	echo 'skip awaf:load_testing/lt_no_paid_endpoints: an issue exists' >&2
else
	gh issue create \
		--title='Load tests target a simulator, a mocked API or spare provisioned capacity, never the shared pay-as-you-go deployment' \
		--label='awaf,cost,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; low effort

- **Question:** Which of these practices do you apply to load test the AI workload and size its capacity? (load_testing)
- **Practice:** lt_no_paid_endpoints
- **Design area:** Test and evaluate
- **Pillars:** Cost Optimization, Reliability
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 29.9 (rank 21)

### What to do

Point load tests at a model API simulator, a mocked API in the gateway or unused provisioned capacity in a test environment.

### Why it matters

Load against a standard deployment costs per token and can throttle production users who share its quota.

### How to verify

The load test configuration targets a simulator, a mock or a dedicated test deployment, not a production endpoint.

### Links

- [Mock API responses in Azure API Management](https://learn.microsoft.com/azure/api-management/mock-api-responses)

awaf:load_testing/lt_no_paid_endpoints
'
fi

# 22. Model capacity spans regions through Global or Data Zone deployments or deployments in two regions
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
- **Priority score:** 28.9 (rank 22)
- **Top 10:** Hosting platform

### What to do

Use Global or Data Zone deployment types, or deploy the model in at least two regions behind a gateway or client-side failover.

### Why it matters

A single regional deployment is unavailable during a regional incident or capacity shortage.

### How to verify

Deployment SKUs are GlobalStandard, DataZoneStandard or their provisioned versions, or two regional deployments appear behind the gateway'\''s backend pool.

### Links

- [Business continuity and disaster recovery for Azure OpenAI in Microsoft Foundry Models](https://learn.microsoft.com/azure/ai-foundry/openai/how-to/business-continuity-disaster-recovery)

awaf:platform_ha/ha_multi_region_models
'
fi

# 23. Repositories run secret scanning with push protection, and no keys sit in code, pipelines or app settings
if awaf_exists 'awaf:platform_identity/id_secret_scanning'; then
	echo 'skip awaf:platform_identity/id_secret_scanning: an issue exists' >&2
else
	gh issue create \
		--title='Repositories run secret scanning with push protection, and no keys sit in code, pipelines or app settings' \
		--label='awaf,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these identity and access practices do you apply to models, indexes and data stores? (platform_identity)
- **Practice:** id_secret_scanning
- **Design area:** Application platform
- **Pillars:** Security
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 28.8 (rank 23)

### What to do

Turn on secret scanning and push protection (GitHub Advanced Security, or GitHub Advanced Security for Azure DevOps) for every repository of the workload, give pipelines workload identity federation instead of stored secrets, and replace secret values in app settings with Key Vault references.

### Why it matters

A model or search key committed once stays in history and forks; anyone holding it can run up token bills or read indexes regardless of network rules.

### How to verify

Repository security settings show secret scanning and push protection on with no open alerts; app settings hold @Microsoft.KeyVault(...) references instead of secret values; pipeline service connections use workload identity federation.

### Links

- [Secret scanning in GitHub Advanced Security for Azure DevOps](https://learn.microsoft.com/azure/devops/repos/security/github-advanced-security-secret-scanning)
- [Use Key Vault references as app settings](https://learn.microsoft.com/azure/app-service/app-service-key-vault-references)

awaf:platform_identity/id_secret_scanning
'
fi

# 24. Defender for Cloud threat protection for AI services is on, and its alerts reach the security operations team
if awaf_exists 'awaf:monitoring_alerting/mo_defender_ai'; then
	echo 'skip awaf:monitoring_alerting/mo_defender_ai: an issue exists' >&2
else
	gh issue create \
		--title='Defender for Cloud threat protection for AI services is on, and its alerts reach the security operations team' \
		--label='awaf,security,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to monitor availability, answer quality and threats in production? (monitoring_alerting)
- **Practice:** mo_defender_ai
- **Design area:** Operations
- **Pillars:** Security, Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 28.8 (rank 24)

### What to do

Turn on the AI services plan of Microsoft Defender for Cloud for the subscriptions that host Foundry resources, enable suspicious prompt evidence where policy allows, and route its alerts to Defender XDR or Microsoft Sentinel where the security operations team works.

### Why it matters

Jailbreak attempts, credential theft through prompts and data leakage in responses are attacks; they belong in the same queue as other security incidents, not only in application logs.

### How to verify

The Defender plans page shows AI services set to On for each subscription that hosts model deployments, and a test or past AI alert appears in the security team'\''s incident queue.

### Links

- [Enable threat protection for AI services](https://learn.microsoft.com/azure/defender-for-cloud/ai-onboarding)
- [AI threat protection in Defender for Cloud](https://learn.microsoft.com/azure/defender-for-cloud/ai-threat-protection)

awaf:monitoring_alerting/mo_defender_ai
'
fi

# 25. Latency and cost per request are checked against limits before release
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
- **Priority score:** 28.3 (rank 25)

### What to do

Measure p95 latency and average tokens or cost per request for the candidate and fail the release when they exceed the limits (for example as load test fail criteria).

### Why it matters

A more capable prompt or model can double latency or cost unnoticed.

### How to verify

The release report includes latency and token figures with limits and pass or fail.

### Links

- [Define load test fail criteria in Azure Load Testing](https://learn.microsoft.com/azure/app-testing/load-testing/how-to-define-test-criteria)

awaf:release_gates/rg_perf_gate
'
fi

# 26. Users and API consumers are told the retirement date in advance, and a replacement or fallback answers after it
if awaf_exists 'awaf:decommissioning/dc_user_notice'; then
	echo 'skip awaf:decommissioning/dc_user_notice: an issue exists' >&2
else
	gh issue create \
		--title='Users and API consumers are told the retirement date in advance, and a replacement or fallback answers after it' \
		--label='awaf,operations,horizon:next,risk:high' \
		--body='**Why this rank:** high-risk question; Operational Excellence is your #4 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply when retiring models, deployments, indexes and data? (decommissioning)
- **Practice:** dc_user_notice
- **Design area:** Operations
- **Pillars:** Operational Excellence
- **Risk:** high
- **Effort:** low
- **Horizon:** next
- **Priority score:** 28.3 (rank 26)

### What to do

Announce retirements to users and API consumers with dates, publish the replacement version, and after the date route calls to it or return a clear message.

### Why it matters

Silent removal breaks integrations and the trust of the people who relied on the feature.

### How to verify

The last retirement has a dated notice and a recorded migration or fallback path.

### Links

- [Versions in Azure API Management](https://learn.microsoft.com/azure/api-management/api-management-versions)

awaf:decommissioning/dc_user_notice
'
fi

# 27. Answers are scored for harmful content, protected material and indirect attack success
if awaf_exists 'awaf:genai_evaluation/ge_safety_metrics'; then
	echo 'skip awaf:genai_evaluation/ge_safety_metrics: an issue exists' >&2
else
	gh issue create \
		--title='Answers are scored for harmful content, protected material and indirect attack success' \
		--label='awaf,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to evaluate generative answers before release? (genai_evaluation)
- **Practice:** ge_safety_metrics
- **Design area:** Test and evaluate
- **Pillars:** Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 27.6 (rank 27)

### What to do

Run the risk and safety evaluators (hate and unfairness, sexual, violence, self-harm, protected material, indirect attack) on normal and adversarial sets.

### Why it matters

Quality and safety fail independently; measuring one says nothing about the other.

### How to verify

Evaluation output reports a defect rate per safety category for the current version, including answers that leak personal data.

### Links

- [Risk and safety evaluators in Microsoft Foundry](https://learn.microsoft.com/azure/foundry/concepts/evaluation-evaluators/risk-safety-evaluators)

awaf:genai_evaluation/ge_safety_metrics
'
fi

# 28. Users consent before their conversations are kept for review, evaluation or training, and can withdraw it
if awaf_exists 'awaf:privacy_retention/pr_consent_logging'; then
	echo 'skip awaf:privacy_retention/pr_consent_logging: an issue exists' >&2
else
	gh issue create \
		--title='Users consent before their conversations are kept for review, evaluation or training, and can withdraw it' \
		--label='awaf,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 20; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices protect personal data and limit how long AI interactions are kept? (privacy_retention)
- **Practice:** pr_consent_logging
- **Design area:** Responsible AI
- **Pillars:** Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 27.6 (rank 28)

### What to do

Ask for and record consent before keeping conversation content beyond the session for review, evaluation or training, and honour a withdrawal in every store that holds it.

### Why it matters

Reusing conversations without consent breaks privacy law and the trust of users.

### How to verify

The interface shows the consent choice, stored conversations carry a consent flag, and a withdrawal test removes them from the evaluation and training stores.

### Links

- [Consent management in Microsoft Priva](https://learn.microsoft.com/privacy/priva/consent-management)

awaf:privacy_retention/pr_consent_logging
'
fi

# 29. A failure mode analysis covers each AI component with a mitigation for each failure
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
- **Priority score:** 26.4 (rank 29)

### What to do

List how each component can fail (model throttled or unavailable, index stale or down, tool timing out, memory store unavailable, content filter blocking) and the designed response: retry, fallback model, cached answer or a clear message to the user.

### Why it matters

AI dependencies fail in ways classic applications do not (throttling, refusals, content filter blocks); without a plan these surface as generic errors or hangs.

### How to verify

A failure mode table exists and is linked from the design; fault-injection tests exercise at least model throttling and index unavailability.

### Links

- [Failure mode analysis](https://learn.microsoft.com/azure/well-architected/reliability/failure-mode-analysis)

awaf:app_architecture/aa_failure_mode_analysis
'
fi

# 30. Rebuilds go to a new index side by side and traffic moves by switching an alias
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
- **Priority score:** 26.4 (rank 30)

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

# 31. Each index version records its embedding model; a model change means a full re-embed into a new, evaluated index
if awaf_exists 'awaf:grounding_maintenance/gm_embedding_reindex'; then
	echo 'skip awaf:grounding_maintenance/gm_embedding_reindex: an issue exists' >&2
else
	gh issue create \
		--title='Each index version records its embedding model; a model change means a full re-embed into a new, evaluated index' \
		--label='awaf,reliability,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** Which of these practices keep the grounding index current, correct and safely changeable? (grounding_maintenance)
- **Practice:** gm_embedding_reindex
- **Design area:** Grounding data design
- **Pillars:** Reliability, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 31)

### What to do

Record the embedding deployment, model, version and dimensions with every index version (in its name, metadata or release record). When the embedding model changes or its retirement date is announced, re-embed all content into a new index with the model that queries will use, run the retrieval evaluation on it, and switch the alias only when it meets the thresholds; never mix vectors from two models in one index.

### Why it matters

Vectors from different embedding models are not comparable, so an upgraded or retired embedding deployment breaks retrieval for every query, and a partial re-embed degrades it without an error.

### How to verify

The live index'\''s release record names the embedding model and version; the runbook for an embedding change lists full re-embed, retrieval evaluation and alias switch; the embedding model'\''s retirement date is tracked.

### Links

- [Use the same embedding model for indexing and queries](https://learn.microsoft.com/azure/search/vector-search-how-to-generate-embeddings#how-embedding-models-are-used-in-vector-queries)

awaf:grounding_maintenance/gm_embedding_reindex
'
fi

# 32. Traffic shifts progressively with canary or blue-green steps watched by metrics
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
- **Priority score:** 26.4 (rank 32)

### What to do

Send a small share of traffic (for example 5%) to the new version through endpoint traffic split or gateway weights, compare quality and error metrics, then increase.

### Why it matters

Problems that evaluation missed show up on a small share of users instead of all.

### How to verify

Endpoint traffic settings or gateway backend weights show staged percentages in release history.

### Links

- [Allocate a small percentage of live traffic to the new deployment](https://learn.microsoft.com/azure/machine-learning/how-to-safely-rollout-online-endpoints#allocate-a-small-percentage-of-live-traffic-to-the-new-deployment)

awaf:safe_deployment/sd_progressive
'
fi

# 33. Tests inject 429 and 403 responses, timeouts and slow dependencies and check retries, fallback and user messages
if awaf_exists 'awaf:load_testing/lt_throttling_sim'; then
	echo 'skip awaf:load_testing/lt_throttling_sim: an issue exists' >&2
else
	gh issue create \
		--title='Tests inject 429 and 403 responses, timeouts and slow dependencies and check retries, fallback and user messages' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 20; business-critical workload; external users; medium effort

- **Question:** Which of these practices do you apply to load test the AI workload and size its capacity? (load_testing)
- **Practice:** lt_throttling_sim
- **Design area:** Test and evaluate
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 26.4 (rank 33)

### What to do

With an API simulator or fault injection (for example Azure Chaos Studio), return 429 with Retry-After from model and search backends, the 403 that API Management returns once a consumer'\''s token quota for the period is used up, timeouts and latency spikes, and watch what the application does.

### Why it matters

Retry, failover and user-facing messages are otherwise first exercised during a production incident; a 403 quota answer must not be retried like a 429.

### How to verify

A test report shows error rates, latency and user-visible behaviour under injected 429, 403 and timeout faults.

### Links

- [Azure Chaos Studio fault and action library](https://learn.microsoft.com/azure/chaos-studio/chaos-studio-fault-library)

awaf:load_testing/lt_throttling_sim
'
fi

# 34. Retrieval latency is tracked against its share of the end-to-end latency budget
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
- **Priority score:** 25.9 (rank 34)

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

# 35. Content filter blocks, Prompt Shields detections and repeat offenders are monitored and reviewed
if awaf_exists 'awaf:monitoring_alerting/mo_safety_signals'; then
	echo 'skip awaf:monitoring_alerting/mo_safety_signals: an issue exists' >&2
else
	gh issue create \
		--title='Content filter blocks, Prompt Shields detections and repeat offenders are monitored and reviewed' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to monitor availability, answer quality and threats in production? (monitoring_alerting)
- **Practice:** mo_safety_signals
- **Design area:** Operations
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 25.9 (rank 35)

### What to do

Review the risks and safety monitoring view (or the filter annotations in your own logs) for the share of blocked prompts and completions per category, jailbreak and indirect attack detections, and the users or tenants who trigger them repeatedly; alert on spikes.

### Why it matters

A rising block rate shows either an attack in progress or filters that stop legitimate users; both need a person to look.

### How to verify

A review record or alert on filter and Prompt Shields detections exists for the last month, with the top offending users or tenants identified.

### Links

- [Use risks and safety monitoring in Microsoft Foundry](https://learn.microsoft.com/azure/ai-foundry/openai/how-to/risks-safety-monitor)

awaf:monitoring_alerting/mo_safety_signals
'
fi

# 36. Outbound traffic from orchestrators, agents and compute goes through a firewall allow-list
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
- **Priority score:** 25.5 (rank 36)
- **Top 10:** Security and governance for data processing

### What to do

Route egress from application, agent and training subnets through Azure Firewall (or an equivalent) with an FQDN allow-list of the services and sites the workload needs.

### Why it matters

A manipulated agent or a compromised package can send data to any host when egress is open.

### How to verify

Subnet route tables send 0.0.0.0/0 to the firewall, and firewall application rules list explicit FQDNs and deny the rest.

### Links

- [Control traffic from the agent subnet in the baseline Foundry chat architecture](https://learn.microsoft.com/azure/architecture/ai-ml/architecture/baseline-microsoft-foundry-chat#control-traffic-from-the-foundry-agent-subnet)

awaf:platform_network/nw_egress_control
'
fi

# 37. A tested runbook purges a leaked or harmful document from index, caches and memory quickly
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
- **Priority score:** 25.5 (rank 37)

### What to do

Document how to delete a document by key from the index (a delete action on the documents API), invalidate cached answers that used it and remove it from chat memory, with a target time such as one hour.

### Why it matters

Waiting for the next scheduled rebuild keeps exposing leaked data or poisoned content.

### How to verify

The runbook exists and a drill record shows the purge done within the target.

### Links

- [Delete documents from an index in Azure AI Search](https://learn.microsoft.com/azure/search/search-howto-reindex#update-content)

awaf:grounding_maintenance/gm_emergency_purge
'
fi

# 38. Harms and AI-specific threats are mapped to mitigations and owners in a risk register
if awaf_exists 'awaf:rai_governance/gov_harms_map'; then
	echo 'skip awaf:rai_governance/gov_harms_map: an issue exists' >&2
else
	gh issue create \
		--title='Harms and AI-specific threats are mapped to mitigations and owners in a risk register' \
		--label='awaf,responsible-ai,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_harms_map
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Security
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 38)

### What to do

Threat-model the system including prompt injection, data and model poisoning, model theft, excessive agency and harmful output, and track each risk with its mitigation and owner.

### Why it matters

Classic threat models miss AI attack paths, and a risk without an owner is an accepted risk.

### How to verify

The threat model or risk register lists the AI threats with a mitigation and an owner for each.

### Links

- [Threat modeling AI and ML systems and dependencies](https://learn.microsoft.com/security/engineering/threat-modeling-aiml)

awaf:rai_governance/gov_harms_map
'
fi

# 39. A user's deletion request removes their data from memory, indexes, caches, logs and evaluation or training sets, and is tested
if awaf_exists 'awaf:privacy_retention/pr_right_to_erasure'; then
	echo 'skip awaf:privacy_retention/pr_right_to_erasure: an issue exists' >&2
else
	gh issue create \
		--title='A user'\''s deletion request removes their data from memory, indexes, caches, logs and evaluation or training sets, and is tested' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices protect personal data and limit how long AI interactions are kept? (privacy_retention)
- **Practice:** pr_right_to_erasure
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 25.5 (rank 39)
- **Top 10:** Data retention

### What to do

Implement deletion by user across conversation stores, indexed user content, caches, logs where the platform allows it, and evaluation and training sets, and record which copies cannot be deleted and why.

### Why it matters

Erasure obligations cover every copy, and AI systems make more copies than most.

### How to verify

The deletion procedure exists, and a test deletion shows the user'\''s data gone from each store on the list.

### Links

- [Subject rights requests in Microsoft Priva](https://learn.microsoft.com/privacy/priva/subject-rights-requests)

awaf:privacy_retention/pr_right_to_erasure
'
fi

# 40. Quality and safety metrics have alert thresholds and a runbook that says when to roll back or switch off
if awaf_exists 'awaf:monitoring_alerting/mo_quality_alert_procedure'; then
	echo 'skip awaf:monitoring_alerting/mo_quality_alert_procedure: an issue exists' >&2
else
	gh issue create \
		--title='Quality and safety metrics have alert thresholds and a runbook that says when to roll back or switch off' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to monitor availability, answer quality and threats in production? (monitoring_alerting)
- **Practice:** mo_quality_alert_procedure
- **Design area:** Operations
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 25 (rank 40)

### What to do

Put thresholds on the production quality and safety scores (for example groundedness or realized accuracy below the release threshold for a day) that raise an alert, and write the runbook: who investigates, when a prompt or model is rolled back, when the feature is switched off.

### Why it matters

Operations teams know how to handle an outage but not a model that quietly got worse; without a procedure a quality incident waits for the next sprint.

### How to verify

An alert rule on a quality or safety metric exists and links to the runbook, and the runbook names the owner and the rollback and switch-off steps.

### Links

- [Monitor agents with the Agent Monitoring Dashboard](https://learn.microsoft.com/azure/foundry/observability/how-to/how-to-monitor-agents-dashboard)

awaf:monitoring_alerting/mo_quality_alert_procedure
'
fi

# 41. Provisioned throughput covers the baseline and spills over to standard capacity for bursts
if awaf_exists 'awaf:quotas_throughput/qt_ptu_spillover'; then
	echo 'skip awaf:quotas_throughput/qt_ptu_spillover: an issue exists' >&2
else
	gh issue create \
		--title='Provisioned throughput covers the baseline and spills over to standard capacity for bursts' \
		--label='awaf,performance,cost,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; medium effort

- **Question:** How do you plan model quotas and serving capacity, and handle throttling? (quotas_throughput)
- **Practice:** qt_ptu_spillover
- **Design area:** Application platform
- **Pillars:** Performance Efficiency, Cost Optimization, Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.9 (rank 41)
- **Top 10:** Application platform performance

### What to do

Where load is steady, buy provisioned throughput for the baseline and configure spillover (spilloverDeploymentName) or gateway routing to a standard deployment for the overflow.

### Why it matters

Provisioned capacity gives predictable latency at a lower unit cost when it is used; bursts above it would otherwise be rejected.

### How to verify

A provisioned deployment has a spillover deployment configured, or a gateway pool routes to a standard backend after the provisioned one.

### Links

- [Manage traffic with spillover for provisioned deployments](https://learn.microsoft.com/azure/ai-foundry/openai/how-to/spillover-traffic-management)

awaf:quotas_throughput/qt_ptu_spillover
'
fi

# 42. Recovery is rehearsed at least twice a year, failing over model capacity or restoring within the RTO
if awaf_exists 'awaf:platform_ha/ha_dr_tested'; then
	echo 'skip awaf:platform_ha/ha_dr_tested: an issue exists' >&2
else
	gh issue create \
		--title='Recovery is rehearsed at least twice a year, failing over model capacity or restoring within the RTO' \
		--label='awaf,reliability,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Reliability is your #2 priority; weight 15; business-critical workload; external users; medium effort

- **Question:** Which of these practices keep inference and its dependencies available through zone and region failures? (platform_ha)
- **Practice:** ha_dr_tested
- **Design area:** Application platform
- **Pillars:** Reliability
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.9 (rank 42)

### What to do

Run a recovery drill at least twice a year: disable the primary model backend or region and confirm traffic moves and the application keeps answering, or, for a single-region design, rebuild or restore the deployment, index and state from code and backups and time it against the RTO.

### Why it matters

Untested failover and restore paths usually fail on DNS, quota, identity or missing configuration in the secondary.

### How to verify

A dated drill report shows the failover or restore, the time it took against the RTO, and the fixes made afterwards.

### Links

- [Develop a disaster recovery plan](https://learn.microsoft.com/azure/well-architected/reliability/disaster-recovery)

awaf:platform_ha/ha_dr_tested
'
fi

# 43. Content safety checks and prompt and response logging run centrally at the gateway
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
- **Priority score:** 23.1 (rank 43)
- **Top 10:** Security controls in Responsible AI

### What to do

Send prompts (and, where supported, completions) to Azure AI Content Safety at the gateway with the llm-content-safety policy, including prompt attack detection, and log requests and responses there, so every consumer gets the same checks.

### Why it matters

Checks copied into each client drift apart and some get skipped; one enforcement point keeps them consistent and auditable.

### How to verify

The API policy contains llm-content-safety with a Content Safety backend and shield-prompt enabled; a test prompt in a blocked category gets 403 from the gateway; sample gateway logs show prompts and responses with the consumer identity.

### Links

- [Enforce content safety checks on language model requests](https://learn.microsoft.com/azure/api-management/llm-content-safety-policy)

awaf:ai_gateway/gw_central_safety
'
fi

# 44. Documents are scanned for embedded instructions at ingestion, and flagged ones are quarantined, not indexed
if awaf_exists 'awaf:grounding_preparation/gp_injection_scan'; then
	echo 'skip awaf:grounding_preparation/gp_injection_scan: an issue exists' >&2
else
	gh issue create \
		--title='Documents are scanned for embedded instructions at ingestion, and flagged ones are quarantined, not indexed' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply when preparing content for the grounding index? (grounding_preparation)
- **Practice:** gp_injection_scan
- **Design area:** Grounding data design
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 44)

### What to do

In the ingestion pipeline, send each new or changed document or chunk to Prompt Shields for documents and move flagged items to a quarantine location for review instead of indexing them. Checking prompts and retrieved documents on every request is asked in the content safety question.

### Why it matters

Indirect prompt injection hides instructions in content the model later reads as context; stopping it at ingestion keeps it out of every future answer.

### How to verify

The pipeline has a scan step whose attackDetected result per document is logged, and a quarantine list shows flagged items with the reviewer'\''s decision.

### Links

- [Prompt Shields for documents in Azure AI Content Safety](https://learn.microsoft.com/azure/ai-services/content-safety/concepts/jailbreak-detection#prompt-shields-for-documents)

awaf:grounding_preparation/gp_injection_scan
'
fi

# 45. Retrieval quality is measured on its own, separately from answer quality
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
- **Priority score:** 23.1 (rank 45)

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

# 46. Applicable AI regulations and internal policies are mapped to controls and evidence
if awaf_exists 'awaf:rai_governance/gov_regulatory_mapping'; then
	echo 'skip awaf:rai_governance/gov_regulatory_mapping: an issue exists' >&2
else
	gh issue create \
		--title='Applicable AI regulations and internal policies are mapped to controls and evidence' \
		--label='awaf,responsible-ai,security,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_regulatory_mapping
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Security
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 46)

### What to do

Determine which laws and standards apply (for example the EU AI Act risk category, sector rules, the internal AI policy) and map each obligation to a control and the place its evidence is kept.

### Why it matters

Obligations discovered after launch force expensive changes or a withdrawal.

### How to verify

A compliance mapping or Compliance Manager assessment lists the obligations, controls and evidence locations.

### Links

- [Compliance Manager regulations list](https://learn.microsoft.com/purview/compliance-manager-regulations-list)

awaf:rai_governance/gov_regulatory_mapping
'
fi

# 47. An AI incident response plan covers harmful output, data leakage and misuse, with severity levels, owners and notice duties
if awaf_exists 'awaf:rai_governance/gov_incident_response'; then
	echo 'skip awaf:rai_governance/gov_incident_response: an issue exists' >&2
else
	gh issue create \
		--title='An AI incident response plan covers harmful output, data leakage and misuse, with severity levels, owners and notice duties' \
		--label='awaf,responsible-ai,security,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_incident_response
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Security, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 23.1 (rank 47)

### What to do

Extend the incident process to AI incidents (harmful or biased output, leaked data, jailbreak campaigns, a misbehaving agent) with severity levels, containment steps such as switching a feature off, who informs affected people and regulators, and a review that feeds the risk register.

### Why it matters

AI incidents look different from outages, and notification duties have deadlines that an improvised response misses.

### How to verify

The plan is documented with AI incident types and owners, and a drill or past incident record shows it was followed. Each incident ends with a post-incident review whose remediation actions are tracked to closure.

### Links

- [Secure AI in the Cloud Adoption Framework](https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/ai/secure)

awaf:rai_governance/gov_incident_response
'
fi

# 48. Candidates are compared with the production version on the same data before promotion
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
- **Priority score:** 22.6 (rank 48)

### What to do

Evaluate the candidate and the current production model or prompt side by side on the same test set, with production as the baseline run, and report the difference per metric and whether it is significant.

### Why it matters

An absolute score says little; the decision is whether the candidate is better than what users have now.

### How to verify

Promotion records show a comparison of candidate versus production per metric.

### Links

- [Compare evaluation runs against a baseline in Microsoft Foundry](https://learn.microsoft.com/azure/foundry/how-to/evaluate-results#compare-the-evaluation-results)

awaf:experiment_tracking/et_compare_baseline
'
fi

# 49. A catalog records each data source's owner, refresh frequency and permitted uses
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
- **Priority score:** 22.4 (rank 49)

### What to do

Record owner, refresh schedule, quality expectations and allowed purposes for every data source that feeds training or grounding, in a data catalog such as Microsoft Purview.

### Why it matters

Without an owner nobody fixes a bad source or approves a new use of it.

### How to verify

The catalog has an entry per source with these fields filled.

### Links

- [Data catalogs and governance features of the data platform](https://learn.microsoft.com/azure/well-architected/ai/data-platform#does-the-platform-support-data-governance-features)

awaf:data_governance/dg_ownership_catalog
'
fi

# 50. Synthetic and adversarial questions extend coverage beyond the golden dataset
if awaf_exists 'awaf:genai_evaluation/ge_synthetic_data'; then
	echo 'skip awaf:genai_evaluation/ge_synthetic_data: an issue exists' >&2
else
	gh issue create \
		--title='Synthetic and adversarial questions extend coverage beyond the golden dataset' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these practices do you apply to evaluate generative answers before release? (genai_evaluation)
- **Practice:** ge_synthetic_data
- **Design area:** Test and evaluate
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 22.4 (rank 50)

### What to do

Generate extra questions from the grounding content and adversarial prompts with a simulator, and have a person review a sample for realism before they are used.

### Why it matters

Hand-written sets are small and miss the phrasings and topics users bring.

### How to verify

Evaluation runs include a synthetic set whose generation method and review are documented.

### Links

- [Generate synthetic evaluation datasets](https://learn.microsoft.com/azure/foundry/observability/how-to/evaluation-dataset-synthetic)

awaf:genai_evaluation/ge_synthetic_data
'
fi

# 51. Decisions that shape behaviour, such as model choice, filter thresholds, data sources and autonomy, are kept as decision records
if awaf_exists 'awaf:rai_governance/gov_decision_log'; then
	echo 'skip awaf:rai_governance/gov_decision_log: an issue exists' >&2
else
	gh issue create \
		--title='Decisions that shape behaviour, such as model choice, filter thresholds, data sources and autonomy, are kept as decision records' \
		--label='awaf,operations,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_decision_log
- **Design area:** Responsible AI
- **Pillars:** Operational Excellence, Responsible AI
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 22.4 (rank 51)

### What to do

Record decisions such as model choice, filter thresholds, data sources and autonomy levels as architecture decision records with their rationale.

### Why it matters

Auditors and future maintainers need to know why the system behaves the way it does.

### How to verify

Decision records on these topics are in the repository, dated and with rationale.

### Links

- [Maintain an architecture decision record](https://learn.microsoft.com/azure/well-architected/architect-role/architecture-decision-record)

awaf:rai_governance/gov_decision_log
'
fi

# 52. People affected by an AI outcome can contest it and reach a person who can review and override it
if awaf_exists 'awaf:transparency/tr_contest_human'; then
	echo 'skip awaf:transparency/tr_contest_human: an issue exists' >&2
else
	gh issue create \
		--title='People affected by an AI outcome can contest it and reach a person who can review and override it' \
		--label='awaf,responsible-ai,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 20; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices make the AI system'\''s behaviour visible to its users and let them question it? (transparency)
- **Practice:** tr_contest_human
- **Design area:** Responsible AI
- **Pillars:** Responsible AI, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 22.1 (rank 52)

### What to do

Offer a visible way, in the product and in any notice of a decision, to contest an AI outcome or leave the AI flow, hand the case with its context to a person who has the authority to change the outcome, and record the result.

### Why it matters

An AI outcome nobody can appeal turns every error into harm, and being trapped with an AI that cannot help destroys trust; several regulations require human review on request.

### How to verify

The interface or the decision notice shows the contest or hand-over path, tests show the hand-over with context, and the log shows contested cases with their final human decision.

### Links

- [Hand off conversations to a live agent](https://learn.microsoft.com/microsoft-copilot-studio/advanced-hand-off)

awaf:transparency/tr_contest_human
'
fi

# 53. New versions can receive mirrored production traffic without answering users
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
- **Priority score:** 21.5 (rank 53)

### What to do

Mirror a share of live requests to the candidate (mirror traffic on managed online endpoints, or a shadow call in the orchestrator) and compare outputs offline.

### Why it matters

Shadowing tests real inputs and load with no user impact.

### How to verify

Endpoint mirror_traffic settings or shadow-call code and comparison reports exist.

### Links

- [Test a deployment with mirrored traffic](https://learn.microsoft.com/azure/machine-learning/how-to-safely-rollout-online-endpoints#test-the-deployment-with-mirrored-traffic)

awaf:safe_deployment/sd_shadow
'
fi

# 54. Red teaming runs on a stated cadence, and automated red-team scans run on a schedule and on every release
if awaf_exists 'awaf:rai_governance/gov_red_teaming'; then
	echo 'skip awaf:rai_governance/gov_red_teaming: an issue exists' >&2
else
	gh issue create \
		--title='Red teaming runs on a stated cadence, and automated red-team scans run on a schedule and on every release' \
		--label='awaf,security,responsible-ai,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Security is your #1 priority; weight 25; business-critical workload; confidential data; external users; high effort

- **Question:** Which of these governance practices do you apply to identify and manage the risks of the AI system? (rai_governance)
- **Practice:** gov_red_teaming
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** medium
- **Effort:** high
- **Horizon:** next
- **Priority score:** 20.9 (rank 54)

### What to do

Write down a red-teaming cadence (for example each quarter and before each major change) for manual exercises against the whole application, and run automated scans (the AI Red Teaming Agent or PyRIT, or adversarial test sets for predictive models) on a schedule and in the release pipeline, tracking attack success rate against a threshold.

### Why it matters

Attacks and models change after launch; a one-off exercise before release says nothing about the version running today.

### How to verify

The cadence is documented, the last manual report is within it, and scan results exist from the schedule and from the latest release, with findings and their status. At least one person in each manual exercise did not build the system.

### Links

- [AI Red Teaming Agent in Microsoft Foundry](https://learn.microsoft.com/azure/foundry/concepts/ai-red-teaming-agent)
- [Planning red teaming for large language models](https://learn.microsoft.com/azure/foundry/openai/concepts/red-teaming)

awaf:rai_governance/gov_red_teaming
'
fi

# 55. Search indexers and skills reach data and models over shared private links
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
- **Priority score:** 20.7 (rank 55)
- **Top 10:** Security and governance for data processing

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

# 56. Vector compression and storage options reduce index size
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
- **Priority score:** 20.7 (rank 56)

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

# 57. Every response is logged with the prompt version and model version that produced it
if awaf_exists 'awaf:prompt_model_versioning/pv_version_tagged_telemetry'; then
	echo 'skip awaf:prompt_model_versioning/pv_version_tagged_telemetry: an issue exists' >&2
else
	gh issue create \
		--title='Every response is logged with the prompt version and model version that produced it' \
		--label='awaf,operations,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 15; business-critical workload; low effort

- **Question:** How do you version prompts and models and prepare for model retirement? (prompt_model_versioning)
- **Practice:** pv_version_tagged_telemetry
- **Design area:** Application design
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** low
- **Horizon:** next
- **Priority score:** 20.5 (rank 57)

### What to do

Add the prompt version, model name, model version and deployment name to the trace attributes of every model call, using the OpenTelemetry generative AI conventions.

### Why it matters

Quality regressions can only be tied to a change when each answer carries the versions behind it.

### How to verify

A trace in Application Insights or the Foundry tracing view shows gen_ai.request.model, the response model version and a prompt version attribute for each model call.

### Links

- [Add client-side tracing to Foundry agents and applications](https://learn.microsoft.com/azure/foundry/observability/how-to/trace-agent-client-side)

awaf:prompt_model_versioning/pv_version_tagged_telemetry
'
fi

# 58. Quality and safety scores are broken down by language, locale and user group, and a maximum allowed gap is a release threshold
if awaf_exists 'awaf:genai_evaluation/ge_segment_gaps'; then
	echo 'skip awaf:genai_evaluation/ge_segment_gaps: an issue exists' >&2
else
	gh issue create \
		--title='Quality and safety scores are broken down by language, locale and user group, and a maximum allowed gap is a release threshold' \
		--label='awaf,responsible-ai,performance,horizon:next,risk:medium' \
		--body='**Why this rank:** medium-risk question; Responsible AI is your #3 priority; weight 15; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these practices do you apply to evaluate generative answers before release? (genai_evaluation)
- **Practice:** ge_segment_gaps
- **Design area:** Test and evaluate
- **Pillars:** Responsible AI, Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** next
- **Priority score:** 20 (rank 58)

### What to do

Tag evaluation items with the segments the workload serves (language, locale, user group, accessibility needs), report every quality and safety score per segment, and set the largest gap allowed between the best and the worst segment (for example 5 points of groundedness) as a release threshold.

### Why it matters

A good average can hide a language or group that gets far worse answers; fairness for generative answers has to be measured, not assumed.

### How to verify

The latest evaluation report shows per-segment scores, the gap threshold is written next to the other release thresholds, and the current gap is within it.

### Links

- [Analyze evaluation results by cluster](https://learn.microsoft.com/azure/foundry/observability/how-to/cluster-analysis)

awaf:genai_evaluation/ge_segment_gaps
'
fi

# 59. Each deployment traces to its commit, data or index version, model run and evaluation, recorded in the registry
if awaf_exists 'awaf:mlops_automation/ml_lineage'; then
	echo 'skip awaf:mlops_automation/ml_lineage: an issue exists' >&2
else
	gh issue create \
		--title='Each deployment traces to its commit, data or index version, model run and evaluation, recorded in the registry' \
		--label='awaf,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 25; business-critical workload; medium effort

- **Question:** Which of these automation practices do you apply to build and release models, prompts, flows and indexes? (mlops_automation)
- **Practice:** ml_lineage
- **Design area:** MLOps and GenAIOps
- **Pillars:** Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 19.8 (rank 59)
- **Top 10:** Automated model evaluation in operations

### What to do

Register models from the job that trained them, so the registry links the run and its input data asset versions, and tag each model version with its dataset version, evaluation results and responsible AI review status. Tag every deployment of a model, prompt, flow or index with the commit, pipeline run, versions and the evaluation run that approved it, and follow data back to its sources with the Microsoft Purview lineage of Azure Machine Learning.

### Why it matters

When a source turns out bad, a person asks to be forgotten or an incident starts, you must know exactly what is running and find every model built from that data.

### How to verify

For the live deployment, tags or release notes name the commit, data or index version, model or prompt version and evaluation run; the production model'\''s registry entry links to its job, its input data versions and its metrics.

### Links

- [Model management, lineage and deployment in Azure Machine Learning](https://learn.microsoft.com/azure/machine-learning/concept-model-management-and-deployment)

awaf:mlops_automation/ml_lineage
'
fi

# 60. Cost per request or per conversation is measured and has a target
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
- **Priority score:** 18.9 (rank 60)

### What to do

Compute tokens and cost per request, conversation or business transaction from telemetry and compare it with a target taken from the cost model.

### Why it matters

A unit cost is the number that shows whether a prompt change, a new model or an agent loop made the workload more expensive.

### How to verify

A dashboard or report shows cost or tokens per request over time against a target line.

### Links

- [Plan and manage costs for Azure OpenAI in Microsoft Foundry Models](https://learn.microsoft.com/azure/ai-foundry/openai/how-to/manage-costs)

awaf:inference_cost/ic_cost_per_request
'
fi

# 61. Index storage and vector quota growth are tracked with an alert before limits are reached
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
- **Priority score:** 18.8 (rank 61)

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

# 62. Load test results set SKUs, instance counts and provisioned units, with the calculation written down
if awaf_exists 'awaf:load_testing/lt_sku_selection'; then
	echo 'skip awaf:load_testing/lt_sku_selection: an issue exists' >&2
else
	gh issue create \
		--title='Load test results set SKUs, instance counts and provisioned units, with the calculation written down' \
		--label='awaf,performance,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; low effort

- **Question:** Which of these practices do you apply to load test the AI workload and size its capacity? (load_testing)
- **Practice:** lt_sku_selection
- **Design area:** Test and evaluate
- **Pillars:** Performance Efficiency, Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 18.8 (rank 62)
- **Top 10:** Application platform performance

### What to do

Use the measured throughput per instance, replica and provisioned unit to set capacity, and keep the calculation with the test results.

### Why it matters

Capacity chosen by guess is either too small for the peak or paid for and idle.

### How to verify

The capacity decision record cites the load test results and the calculation.

### Links

- [Size provisioned throughput deployments](https://learn.microsoft.com/azure/foundry/openai/how-to/provisioned-throughput-sizing)

awaf:load_testing/lt_sku_selection
'
fi

# 63. Components talk through standard interfaces such as OpenAPI, ONNX and OpenTelemetry
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
- **Priority score:** 18.4 (rank 63)

### What to do

Describe tools and internal APIs with OpenAPI, export classic models to ONNX where the runtime allows, and emit telemetry through OpenTelemetry with its semantic conventions.

### Why it matters

Standard contracts let you swap a model, a runtime or an observability backend without rewriting the orchestrator, and keep tool schemas reviewable.

### How to verify

An OpenAPI document exists in the repository for each tool, and the application configures an OpenTelemetry exporter such as the Azure Monitor OpenTelemetry distro.

### Links

- [Describe agent tools with OpenAPI specifications in Foundry Agent Service](https://learn.microsoft.com/azure/ai-foundry/agents/how-to/tools/openapi-spec)
- [Enable Azure Monitor OpenTelemetry for applications](https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-enable)

awaf:app_architecture/aa_standard_interfaces
'
fi

# 64. Unanswered and poorly rated questions are reviewed to add or fix content
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
- **Priority score:** 18.4 (rank 64)
- **Top 10:** Grounding index maintenance

### What to do

Review no-answer responses and negative feedback regularly, route content gaps to source owners, and add fields or filters when new kinds of questions appear.

### Why it matters

User questions change over time; the index must follow them.

### How to verify

A recurring review produces a list of content gaps with owners and dates.

### Links

- [Updating the index when new questions are asked](https://learn.microsoft.com/azure/well-architected/ai/grounding-data-design#maintenance-criteria)

awaf:grounding_maintenance/gm_coverage_review
'
fi

# 65. Shared model and search costs are split by tenant, team or use case from per-consumer token usage and cost tags
if awaf_exists 'awaf:cost_management/cm_tenant_accountability'; then
	echo 'skip awaf:cost_management/cm_tenant_accountability: an issue exists' >&2
else
	gh issue create \
		--title='Shared model and search costs are split by tenant, team or use case from per-consumer token usage and cost tags' \
		--label='awaf,cost,operations,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Operational Excellence is your #4 priority; weight 20; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to plan, attribute and reduce the cost of the AI workload? (cost_management)
- **Practice:** cm_tenant_accountability
- **Design area:** Operations
- **Pillars:** Cost Optimization, Operational Excellence
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 18.1 (rank 65)

### What to do

Emit token usage per consumer from the gateway (llm-emit-token-metric with a subscription, tenant or use-case dimension) or from telemetry, tag resources with their cost owner, and allocate shared model and search costs from those numbers.

### Why it matters

A shared AI platform keeps growing when no consumer sees its own bill.

### How to verify

A monthly showback or chargeback report splits AI spend by tenant or team, and the gateway policy or telemetry query that feeds it is in source control.

### Links

- [Emit metrics for consumption of language model tokens](https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy)
- [Allocate Azure costs](https://learn.microsoft.com/azure/cost-management-billing/costs/allocate-costs)

awaf:cost_management/cm_tenant_accountability
'
fi

# 66. Provisioned throughput utilization is reviewed monthly and steady capacity is covered by reservations
if awaf_exists 'awaf:cost_management/cm_ptu_utilization'; then
	echo 'skip awaf:cost_management/cm_ptu_utilization: an issue exists' >&2
else
	gh issue create \
		--title='Provisioned throughput utilization is reviewed monthly and steady capacity is covered by reservations' \
		--label='awaf,cost,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Cost Optimization is your #6 priority; weight 15; business-critical workload; low effort

- **Question:** Which of these practices do you apply to plan, attribute and reduce the cost of the AI workload? (cost_management)
- **Practice:** cm_ptu_utilization
- **Design area:** Operations
- **Pillars:** Cost Optimization
- **Risk:** medium
- **Effort:** low
- **Horizon:** later
- **Priority score:** 17.1 (rank 66)

### What to do

Review the utilization of each provisioned deployment every month, shrink the ones that stay underused, and buy monthly or yearly reservations for the stable part.

### Why it matters

Provisioned units are billed by the hour whether used or not, and a reservation discounts capacity that runs anyway.

### How to verify

A monthly record shows the utilization reviewed, and the reservation quantity matches the steady number of provisioned units.

### Links

- [Save costs with Microsoft Foundry provisioned throughput reservations](https://learn.microsoft.com/azure/cost-management-billing/reservations/azure-openai)

awaf:cost_management/cm_ptu_utilization
'
fi

# 67. Prompts put static content first so provider prompt caching discounts repeated prefixes
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
- **Priority score:** 16.9 (rank 67)

### What to do

Order prompts so the system message, tool definitions and examples form a stable prefix and variable content comes last, so supported models can reuse cached input tokens.

### Why it matters

Cached input tokens cost less on standard deployments, use less provisioned capacity and shorten the time to first token.

### How to verify

Usage data shows cached_tokens in prompt_tokens_details above zero for repeated requests.

### Links

- [Prompt caching in Azure OpenAI in Microsoft Foundry Models](https://learn.microsoft.com/azure/ai-foundry/openai/how-to/prompt-caching)

awaf:inference_cost/ic_prompt_prefix
'
fi

# 68. The team has assessed its MLOps or GenAIOps maturity and keeps an improvement plan
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
- **Priority score:** 16.3 (rank 68)

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

# 69. Indexing and embedding costs are estimated and incremental enrichment avoids reprocessing
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
- **Priority score:** 15.3 (rank 69)

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

# 70. Repeated answers are served from a cache keyed by tenant, policy, model and prompt version
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
- **Priority score:** 15 (rank 70)

### What to do

Cache exact or semantically similar requests (for example with the API Management semantic cache policies and Azure Managed Redis) with keys that include the tenant, security context, model and prompt version, and a time to live.

### Why it matters

Frequent questions need not hit the model each time; a key without tenant or permission context would leak answers across users.

### How to verify

The cache key definition includes tenant and prompt version; the cache hit rate and time to live are visible in metrics or configuration.

### Links

- [Enable semantic caching for language model APIs in API Management](https://learn.microsoft.com/azure/api-management/azure-openai-enable-semantic-caching)

awaf:inference_cost/ic_caching
'
fi

# 71. Text extraction from PDFs, scans and tables is checked on samples, using a layout-aware extractor
if awaf_exists 'awaf:grounding_preparation/gp_extraction_quality'; then
	echo 'skip awaf:grounding_preparation/gp_extraction_quality: an issue exists' >&2
else
	gh issue create \
		--title='Text extraction from PDFs, scans and tables is checked on samples, using a layout-aware extractor' \
		--label='awaf,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; medium effort

- **Question:** Which of these practices do you apply when preparing content for the grounding index? (grounding_preparation)
- **Practice:** gp_extraction_quality
- **Design area:** Grounding data design
- **Pillars:** Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 15 (rank 71)

### What to do

Use a layout-aware extractor (for example the Document Layout skill backed by Azure AI Document Intelligence) for PDFs, scans and tables so headings and table structure survive, and compare extracted text with the source for a sample of each content type.

### Why it matters

Lost tables, merged columns and OCR errors produce chunks that look fine but cannot answer the question.

### How to verify

The skillset or pipeline uses a layout or OCR step for these formats, and a sample comparison per content type is recorded.

### Links

- [Document Layout skill in Azure AI Search](https://learn.microsoft.com/azure/search/cognitive-search-skill-document-intelligence-layout)

awaf:grounding_preparation/gp_extraction_quality
'
fi

# 72. The vector store was chosen by comparing the cost of candidate stores at the expected size and load
if awaf_exists 'awaf:vector_store_cost/vc_store_choice'; then
	echo 'skip awaf:vector_store_cost/vc_store_choice: an issue exists' >&2
else
	gh issue create \
		--title='The vector store was chosen by comparing the cost of candidate stores at the expected size and load' \
		--label='awaf,cost,performance,horizon:later,risk:medium' \
		--body='**Why this rank:** medium-risk question; Performance Efficiency is your #5 priority; weight 15; business-critical workload; medium effort

- **Question:** Which of these practices do you apply to control the cost of the vector store and search index? (vector_store_cost)
- **Practice:** vc_store_choice
- **Design area:** Data platform
- **Pillars:** Cost Optimization, Performance Efficiency
- **Risk:** medium
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 15 (rank 72)

### What to do

Before committing, estimate the monthly cost of the expected number of vectors, dimensions, replicas and queries in each store that fits (Azure AI Search, vector search in Azure Cosmos DB or Azure Database for PostgreSQL, or a store the application already runs), together with the features you need such as hybrid search, semantic ranking and filters.

### Why it matters

A search service is billed per unit-hour whether queried or not; for small corpora vector search in an existing database can cost a fraction, while large hybrid workloads need the search service'\''s features.

### How to verify

A decision record compares at least two stores with cost estimates and required features.

### Links

- [Choose an Azure service for vector search](https://learn.microsoft.com/azure/architecture/guide/technology-choices/vector-search)

awaf:vector_store_cost/vc_store_choice
'
fi

# 73. Embedding dimensions are no larger than retrieval quality needs
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
- **Priority score:** 15 (rank 73)

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

# 74. Competing versions are A/B tested in production on quality and business metrics
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
- **Priority score:** 14.7 (rank 74)

### What to do

Split users between versions for a set period (for example with variant feature flags) and compare feedback, task completion and quality metrics with enough volume to decide.

### Why it matters

Offline evaluation predicts but does not prove user value.

### How to verify

An experiment record shows variants, metrics, sample size and decision.

### Links

- [Experimentation with variant feature flags in Azure App Configuration](https://learn.microsoft.com/azure/azure-app-configuration/concept-experimentation)

awaf:safe_deployment/sd_ab_testing
'
fi

# 75. Duplicate and near-duplicate content is removed, and sources are mapped to one schema
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
- **Priority score:** 13.5 (rank 75)

### What to do

Detect duplicates across sources and versions before indexing, drop content that no question needs, and map every source to a common document schema.

### Why it matters

Duplicates crowd out diverse results in the top-k and can surface outdated copies.

### How to verify

The ingestion pipeline reports duplicates dropped per run; all sources share one index schema.

### Links

- [Rescoping grounding data before indexing](https://learn.microsoft.com/azure/well-architected/ai/grounding-data-design#data-volume-rescoping)

awaf:grounding_preparation/gp_dedupe
'
fi

# 76. Whether to use one index with filters or separate indexes per tenant or domain was decided deliberately
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
- **Priority score:** 11.9 (rank 76)

### What to do

Decide between a shared index with tenant or domain filters and separate indexes or services, weighing isolation, cost, service limits and relevance tuning.

### Why it matters

A shared index relies entirely on filters for isolation; separate indexes cost more and hit per-service index limits.

### How to verify

A design record names the chosen topology and the reasons.

### Links

- [Design patterns for multitenant SaaS applications and Azure AI Search](https://learn.microsoft.com/azure/search/search-modeling-multitenant-saas-applications)

awaf:grounding_index_design/gd_index_topology
'
fi

# 77. Protected material detection for text and code is on for completions
if awaf_exists 'awaf:content_safety/cs_protected_material'; then
	echo 'skip awaf:content_safety/cs_protected_material: an issue exists' >&2
else
	gh issue create \
		--title='Protected material detection for text and code is on for completions' \
		--label='awaf,responsible-ai,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Responsible AI is your #3 priority; weight 10; business-critical workload; confidential data; external users; low effort

- **Question:** Which of these content safety controls do you apply to model inputs and outputs? (content_safety)
- **Practice:** cs_protected_material
- **Design area:** Responsible AI
- **Pillars:** Responsible AI
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 10.3 (rank 77)

### What to do

Enable the protected material filters for text and for code on completions.

### Why it matters

Reproducing copyrighted text or licensed code creates legal exposure for whoever runs the application.

### How to verify

The RAI policy lists protected material text and code filters as enabled.

### Links

- [Protected material detection in Microsoft Foundry](https://learn.microsoft.com/azure/foundry/openai/concepts/content-filter-protected-material)

awaf:content_safety/cs_protected_material
'
fi

# 78. Images, audio and files are screened as well as text, on upload and on generation
if awaf_exists 'awaf:content_safety/cs_multimodal'; then
	echo 'skip awaf:content_safety/cs_multimodal: an issue exists' >&2
else
	gh issue create \
		--title='Images, audio and files are screened as well as text, on upload and on generation' \
		--label='awaf,security,responsible-ai,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Security is your #1 priority; weight 10; business-critical workload; confidential data; external users; medium effort

- **Question:** Which of these content safety controls do you apply to model inputs and outputs? (content_safety)
- **Practice:** cs_multimodal
- **Design area:** Responsible AI
- **Pillars:** Security, Responsible AI
- **Risk:** none
- **Effort:** medium
- **Horizon:** later
- **Priority score:** 9.5 (rank 78)
- **Top 10:** Security controls in Responsible AI

### What to do

Run image moderation on uploaded and generated images, and pass audio transcripts and text extracted from files through the same checks as typed text.

### Why it matters

Attackers move to the modality nobody inspects.

### How to verify

The upload and generation paths call image analysis or the content filters, and tests with unsafe images are blocked.

### Links

- [Analyze image content with Azure AI Content Safety](https://learn.microsoft.com/azure/ai-services/content-safety/quickstart-image)

awaf:content_safety/cs_multimodal
'
fi

# 79. Ungrounded answers are detected and blocked or corrected before users see them
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
- **Priority score:** 9.2 (rank 79)

### What to do

Check each completion against its grounding sources with groundedness detection, and block, regenerate or flag the answers that the sources do not support.

### Why it matters

In a RAG application a confident answer that the sources do not support is the most damaging failure.

### How to verify

The guardrail policy or the orchestrator runs groundedness detection and logs the outcome for each answer.

### Links

- [Groundedness detection in Microsoft Foundry](https://learn.microsoft.com/azure/foundry/openai/concepts/content-filter-groundedness)

awaf:content_safety/cs_groundedness_detection
'
fi

# 80. Custom blocklists cover terms specific to your domain and brand
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
- **Priority score:** 9.1 (rank 80)

### What to do

Add blocklists for terms the default categories do not cover (competitor names, internal code names, regulated terms) and attach them to the guardrail policy.

### Why it matters

Category filters target general harms, not the risks of one organization.

### How to verify

The RAI policy references custom blocklists whose entries have been reviewed.

### Links

- [Use blocklists with Azure OpenAI in Foundry Models](https://learn.microsoft.com/azure/foundry/openai/how-to/use-blocklists)

awaf:content_safety/cs_blocklists
'
fi

# 81. Data moves to cooler access tiers by lifecycle rules as it is read less
if awaf_exists 'awaf:data_platform_design/dp_storage_tiering'; then
	echo 'skip awaf:data_platform_design/dp_storage_tiering: an issue exists' >&2
else
	gh issue create \
		--title='Data moves to cooler access tiers by lifecycle rules as it is read less' \
		--label='awaf,cost,horizon:later,risk:none' \
		--body='**Why this rank:** question otherwise in good shape; Cost Optimization is your #6 priority; weight 10; business-critical workload; low effort

- **Question:** Which of these practices do you apply when choosing and running the stores and pipelines for AI data? (data_platform_design)
- **Practice:** dp_storage_tiering
- **Design area:** Data platform
- **Pillars:** Cost Optimization
- **Risk:** none
- **Effort:** low
- **Horizon:** later
- **Priority score:** 7.1 (rank 81)

### What to do

Apply lifecycle rules that move raw, historical and superseded data to the cool, cold or archive tier once it is rarely read. How long data is kept at all is asked in the retention questions.

### Why it matters

Raw training and log data grows quickly and is rarely read after processing, while the hot tier charges the most for storage.

### How to verify

Lifecycle management policies on the data lake accounts have tierToCool, tierToCold or tierToArchive actions.

### Links

- [Access tiers for blob data](https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview)

awaf:data_platform_design/dp_storage_tiering
'
fi
