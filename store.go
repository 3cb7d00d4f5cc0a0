package awaf

import (
	"context"
	"encoding/json"
	"time"
)

// This file holds what the team server stores: people, workloads and who may touch
// them, credentials, the answers a team gives together, milestones, the state of the
// remediation plan, and the audit log. The Store interface is implemented on SQLite
// and on PostgreSQL; the server sees only the interface.

// Role is what a person or token may do on one workload.
type Role string

// Roles, most powerful first. Site administrators (User.Admin) act as owners
// everywhere.
const (
	RoleOwner       Role = "owner"       // everything, including who has access
	RoleContributor Role = "contributor" // answers, plan, milestones, exports
	RoleReader      Role = "reader"      // read only
)

// Roles lists the roles, most powerful first.
var Roles = []Role{RoleOwner, RoleContributor, RoleReader}

func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleContributor:
		return 2
	case RoleReader:
		return 1
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether a holder of r may do what needs the role need.
func (r Role) Allows(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// User is a person with a local account.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"` // unique, stored lower-case
	Name  string `json:"name,omitempty"`
	// Admin marks a site administrator: owner of every workload, may add people.
	Admin bool `json:"admin"`
	// PasswordHash is an argon2id hash in the PHC string format; never serialized.
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
	// Disabled accounts cannot sign in (people who left); their history stays.
	Disabled bool `json:"disabled,omitempty"`
	// OIDCIssuer and OIDCSubject are the company identity the account first signed in
	// with; later company sign-ins must name the same (SetOIDCIdentity).
	OIDCIssuer  string `json:"oidcIssuer,omitempty"`
	OIDCSubject string `json:"-"`
}

// WorkloadRecord is a workload the server keeps: what is assessed, against which lens,
// in which context. Its answers are stored one by one (StoredAnswer).
type WorkloadRecord struct {
	ID int64 `json:"id"`
	Workload
	Lens    LensRef   `json:"lens"`
	Profile Profile   `json:"profile"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Version counts updates, for optimistic concurrency.
	Version int64 `json:"version"`
}

// Membership grants a user a role on a workload.
type Membership struct {
	WorkloadID int64  `json:"workloadId"`
	UserID     int64  `json:"userId"`
	Email      string `json:"email"`
	Role       Role   `json:"role"`
	// GrantedBy names who granted the role (an email, or "setup").
	GrantedBy string    `json:"grantedBy"`
	Granted   time.Time `json:"granted"`
	// Disabled tells that the member's account is disabled.
	Disabled bool `json:"disabled,omitempty"`
}

// Token is an API token scoped to one workload and one role. Only a hash of the secret
// is stored; the secret is shown once when the token is made.
type Token struct {
	ID         int64  `json:"id"`
	WorkloadID int64  `json:"workloadId"`
	Name       string `json:"name"`
	Role       Role   `json:"role"`
	// Hash is the hex SHA-256 of the secret.
	Hash string `json:"-"`
	// Prefix is the first characters of the secret, to recognize it in lists.
	Prefix    string    `json:"prefix"`
	CreatedBy string    `json:"createdBy"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires,omitzero"` // zero: never
	Revoked   time.Time `json:"revoked,omitzero"` // zero: live
	// CreatorID is the person the token acts for (zero: made by the system). The
	// token works only while that person is enabled and holds at least its role.
	CreatorID int64 `json:"creatorId,omitempty"`
	// Suspended says why the token does not work now although it is not revoked:
	// its creator is disabled or no longer holds its role. The store fills it in.
	Suspended string `json:"suspended,omitempty"`
}

// Live reports whether the token may be used at now.
func (t *Token) Live(now time.Time) bool {
	return t.Revoked.IsZero() && t.Suspended == "" && (t.Expires.IsZero() || now.Before(t.Expires))
}

// Session is a signed-in browser. Only a hash of the cookie value is stored.
type Session struct {
	// Hash is the hex SHA-256 of the random cookie value.
	Hash   string `json:"-"`
	UserID int64  `json:"userId"`
	// CSRF is the synchronizer token forms must echo.
	CSRF    string    `json:"-"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// Actor is who makes a change: a signed-in user or an API token.
type Actor struct {
	UserID  int64  `json:"userId,omitempty"`
	TokenID int64  `json:"tokenId,omitempty"`
	Name    string `json:"name"` // an email, "token:<name>", or "system"
}

// Audit actions.
const (
	AuditSignIn        = "sign-in"
	AuditSignInFailed  = "sign-in-failed"
	AuditSignOut       = "sign-out"
	AuditUserCreate    = "user.create"
	AuditWorkloadSave  = "workload.save"
	AuditAnswer        = "answer.save"
	AuditGrant         = "access.grant"
	AuditRevoke        = "access.revoke"
	AuditTokenCreate   = "token.create"
	AuditTokenRevoke   = "token.revoke"
	AuditMilestone     = "milestone.create"
	AuditPlanItem      = "plan.save"
	AuditExport        = "export"
	AuditPasswordReset = "user.password"
	AuditUserDisable   = "user.disable"
	AuditUserEnable    = "user.enable"
	AuditUserAdmin     = "user.admin"
	AuditUserOIDC      = "user.oidc"
	AuditLensUpload    = "lens.upload"
	AuditTemplateSave  = "template.save"
	AuditTemplateApply = "template.apply"
)

// StoredLens is a lens version a site administrator uploaded to the server. An
// uploaded version never changes: a change is uploaded as a new version, so servers
// may cache what they parsed by id and version.
type StoredLens struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Name    string `json:"name"`
	// Source is the YAML as uploaded. Lists leave it empty.
	Source     []byte    `json:"-"`
	UploadedBy string    `json:"uploadedBy"`
	Uploaded   time.Time `json:"uploaded"`
}

// AuditEvent is one entry of the append-only audit log.
type AuditEvent struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      Actor     `json:"actor"`
	WorkloadID int64     `json:"workloadId,omitempty"` // zero: site-wide
	Action     string    `json:"action"`
	Target     string    `json:"target"`
	// Before and After are the JSON values around the change, null when there is none.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	WorkloadID int64 // zero: every workload and site-wide events
	BeforeID   int64 // zero: from the newest
	Limit      int   // zero: store default
}

// StoredAnswer is an answer with the version used to detect concurrent edits.
type StoredAnswer struct {
	WorkloadID int64 `json:"workloadId"`
	Answer
	Version   int64     `json:"version"`
	UpdatedBy string    `json:"updatedBy"`
	Updated   time.Time `json:"updated"`
}

// AnswerPut is one answer to store, with the version it replaces (as PutAnswer).
type AnswerPut struct {
	Answer  Answer
	Version int64
}

// AnyVersion tells PutAnswer and PutPlanItem to overwrite whatever is stored.
const AnyVersion int64 = -1

// Milestone is a named snapshot of a workload's assessment.
type Milestone struct {
	ID         int64      `json:"id"`
	WorkloadID int64      `json:"workloadId"`
	Name       string     `json:"name"`
	CreatedBy  string     `json:"createdBy"`
	Created    time.Time  `json:"created"`
	Assessment Assessment `json:"assessment"`
}

// PlanStatus is where a remediation item stands.
type PlanStatus string

// Plan statuses.
const (
	PlanOpen         PlanStatus = "open"
	PlanInProgress   PlanStatus = "in-progress"
	PlanDone         PlanStatus = "done"
	PlanAcceptedRisk PlanStatus = "accepted-risk"
)

// PlanStatuses lists them.
var PlanStatuses = []PlanStatus{PlanOpen, PlanInProgress, PlanDone, PlanAcceptedRisk}

// RemediationItem is the team's tracking of one recommendation (a question's choice).
type RemediationItem struct {
	WorkloadID int64      `json:"workloadId"`
	Question   string     `json:"question"`
	Choice     string     `json:"choice"`
	Owner      string     `json:"owner,omitempty"`
	Status     PlanStatus `json:"status"`
	// Reason is required for accepted risk.
	Reason    string    `json:"reason,omitempty"`
	Version   int64     `json:"version"`
	UpdatedBy string    `json:"updatedBy"`
	Updated   time.Time `json:"updated"`
}

// Validate checks the item's status and reason.
func (it *RemediationItem) Validate() error {
	switch it.Status {
	case PlanOpen, PlanInProgress, PlanDone:
	case PlanAcceptedRisk:
		if it.Reason == "" {
			return Errorf(EINVALID, "accepting a risk needs a reason")
		}
	default:
		return Errorf(EINVALID, "unknown plan status %q", it.Status)
	}
	if it.Question == "" || it.Choice == "" {
		return Errorf(EINVALID, "a plan item needs a question and a choice")
	}
	return nil
}

// Throttle counts sign-in attempts for one key (an email or a client address) so that
// every replica sees the same count.
type Throttle struct {
	Key         string
	Failures    int
	WindowStart time.Time
	LockedUntil time.Time
}

// Attempt is one sign-in attempt counted against a key before its password is
// checked (ThrottleStore.ReserveAttempt).
type Attempt struct {
	Key string
	// Allowed is false when the key was locked: the attempt was refused and not
	// counted.
	Allowed     bool
	LockedUntil time.Time // the lock in force, or the one this attempt set
	// Locking tells that this attempt was the last the policy allows and set the lock.
	Locking bool
	// Failures and WindowStart are the count with this attempt, before a lock it set
	// started the count again; ReleaseAttempt puts them back.
	Failures    int
	WindowStart time.Time
}

// ThrottlePolicy decides when failures lock a key.
type ThrottlePolicy struct {
	Max    int           // failures within Window that lock the key
	Window time.Duration // failures older than this are forgotten
	Lock   time.Duration // how long a lock lasts
}

// Store keeps everything the team server knows. It is made of one small interface per
// entity so that a package takes only what it uses (the server takes all of it; the
// sign-in code takes users, sessions, tokens, throttling and the audit log).
//
// Methods that change data take the Actor that made the change and write its audit
// event in the same transaction. Lookups of missing rows return an *Error with code
// ENOTFOUND; duplicates ECONFLICT; stale versions ECONFLICT. Any other error names the
// operation that failed and wraps the driver's error.
type Store interface {
	UserStore
	TrackerStore
	SessionStore
	ThrottleStore
	WorkloadStore
	AccessStore
	TokenStore
	AnswerStore
	MilestoneStore
	PlanStore
	AuditStore
	LensStore
	StampStore
	TemplateStore

	Ping(ctx context.Context) error
	Close() error
}

// UserStore keeps local accounts.
type UserStore interface {
	CreateUser(ctx context.Context, by Actor, u *User) error
	// CreateFirstUser creates u only while there are no users at all, atomically
	// across replicas; otherwise it returns ECONFLICT. First-run set-up uses it.
	CreateFirstUser(ctx context.Context, by Actor, u *User) error
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]User, error)
	CountUsers(ctx context.Context) (int, error)
	// SetPassword replaces a user's password hash and ends all of the user's
	// sessions, in one transaction: whoever knew the old password is signed out.
	SetPassword(ctx context.Context, by Actor, userID int64, hash string) error
	// SetDisabled disables or enables an account. Disabling ends its sessions, in the
	// same transaction, and refuses the last enabled administrator (EINVALID).
	SetDisabled(ctx context.Context, by Actor, userID int64, disabled bool) error
	// SetAdmin makes a user a site administrator or not, audited (AuditUserAdmin);
	// unchanged, it does nothing. It refuses (EINVALID) to demote the last enabled
	// administrator.
	SetAdmin(ctx context.Context, by Actor, userID int64, admin bool) error
	// UserByOIDC finds the account bound to a company identity, ENOTFOUND if none.
	UserByOIDC(ctx context.Context, issuer, subject string) (*User, error)
	// SetOIDCIdentity binds an account to a company identity, once: it refuses
	// (ECONFLICT) an account bound to another one, and an identity bound to another
	// account.
	SetOIDCIdentity(ctx context.Context, by Actor, userID int64, issuer, subject string) error
}

// SessionStore keeps signed-in browsers.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, hash string) (*Session, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// ThrottleStore counts sign-in attempts, shared by every replica.
type ThrottleStore interface {
	Throttle(ctx context.Context, key string) (*Throttle, error)
	// ReserveAttempt counts an attempt for key before its password is checked, in one
	// transaction that concurrent attempts on every replica take in turn: while the
	// key is locked it refuses (Allowed false) and counts nothing; otherwise it
	// counts the attempt and, when that makes the policy's Max within its Window,
	// locks the key. So no more than Max passwords are ever checked per lock.
	ReserveAttempt(ctx context.Context, key string, now time.Time, p ThrottlePolicy) (*Attempt, error)
	// ReleaseAttempt gives back an attempt that succeeded, and lifts the lock it set.
	ReleaseAttempt(ctx context.Context, a *Attempt) error
	ClearFailures(ctx context.Context, key string) error
}

// WorkloadStore keeps workloads. CreateWorkload makes its creator the owner.
type WorkloadStore interface {
	CreateWorkload(ctx context.Context, by Actor, w *WorkloadRecord) error
	Workload(ctx context.Context, id int64) (*WorkloadRecord, error)
	// Workloads lists the workloads userID is a member of, or every workload when
	// userID is zero.
	Workloads(ctx context.Context, userID int64) ([]WorkloadRecord, error)
	// UpdateWorkload saves name, description, lens and profile when w.Version is the
	// stored version, and increments w.Version.
	UpdateWorkload(ctx context.Context, by Actor, w *WorkloadRecord) error
}

// AccessStore keeps who may do what on a workload.
type AccessStore interface {
	Grant(ctx context.Context, by Actor, workloadID, userID int64, role Role) error
	Revoke(ctx context.Context, by Actor, workloadID, userID int64) error
	Memberships(ctx context.Context, workloadID int64) ([]Membership, error)
	// Role returns userID's role on the workload, ENOTFOUND when it has none.
	Role(ctx context.Context, workloadID, userID int64) (Role, error)
}

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateToken records t with its creator: by's user, or for a token made with a
	// token, that token's creator. It refuses (EFORBIDDEN) a role the creator does
	// not hold. Demoting or removing the creator revokes the tokens the new role does
	// not cover (Grant, Revoke); disabling the creator suspends them (Token.Suspended).
	CreateToken(ctx context.Context, by Actor, t *Token) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	Tokens(ctx context.Context, workloadID int64) ([]Token, error)
	RevokeToken(ctx context.Context, by Actor, workloadID, tokenID int64) error
}

// AnswerStore keeps the answers a team gives together.
type AnswerStore interface {
	Answers(ctx context.Context, workloadID int64) ([]StoredAnswer, error)
	// PutAnswer stores ans when version is the stored version (0 for a new answer,
	// AnyVersion to overwrite) and returns it with its new version.
	PutAnswer(ctx context.Context, by Actor, workloadID int64, ans Answer, version int64) (*StoredAnswer, error)
	// PutAnswers stores several answers in one transaction, each as PutAnswer does:
	// all of them, or none when any fails (ECONFLICT when one's version is stale).
	PutAnswers(ctx context.Context, by Actor, workloadID int64, puts []AnswerPut) ([]StoredAnswer, error)
	// Assessment assembles the workload and its answers.
	Assessment(ctx context.Context, workloadID int64) (*Assessment, error)
}

// MilestoneStore keeps named snapshots of assessments.
type MilestoneStore interface {
	// CreateMilestone snapshots the current assessment.
	CreateMilestone(ctx context.Context, by Actor, workloadID int64, name string) (*Milestone, error)
	// UpgradeLens moves a workload to another lens version in one transaction: it
	// takes a milestone of the current answers, stores each of puts (ECONFLICT when
	// one's version is stale) and saves w with its new lens (ECONFLICT when w.Version
	// is stale). On any error nothing is changed.
	UpgradeLens(ctx context.Context, by Actor, w *WorkloadRecord, milestone string, puts []AnswerPut) (*Milestone, error)
	Milestone(ctx context.Context, workloadID, id int64) (*Milestone, error)
	Milestones(ctx context.Context, workloadID int64) ([]Milestone, error)
}

// PlanStore keeps the tracking of the remediation plan.
type PlanStore interface {
	PlanItems(ctx context.Context, workloadID int64) ([]RemediationItem, error)
	PutPlanItem(ctx context.Context, by Actor, it RemediationItem, version int64) (*RemediationItem, error)
}

// AuditStore is the audit log: append-only, there is no way to change or remove an
// event.
type AuditStore interface {
	AppendAudit(ctx context.Context, e AuditEvent) error
	AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}

// LensStore keeps uploaded lenses. SaveLens stores a new version (ECONFLICT when the
// id and version exist); Lenses lists every version without its source, by id and
// then upload order; LatestLens is the version of id uploaded last, also without its
// source (servers ask for it on every page and cache the parsed lens by version).
type LensStore interface {
	SaveLens(ctx context.Context, by Actor, l *StoredLens) error
	Lenses(ctx context.Context) ([]StoredLens, error)
	Lens(ctx context.Context, id, version string) (*StoredLens, error)
	LatestLens(ctx context.Context, id string) (*StoredLens, error)
}

// Stamp tells a cached evaluation of a workload from a stale one without reading its
// answers: it changes whenever the workload's record or any of its answers changes.
type Stamp struct {
	WorkloadID int64
	Version    int64 // the record's version
	// AnswerSaves counts every save of one of its answers (answers saved before the
	// count was kept count by their versions), so any change of an answer moves it.
	AnswerSaves int64
	Updated     time.Time // the last change of the record or of an answer
}

// MilestoneStamp is a milestone without its assessment. Milestones never change, so
// the id alone tells a cached evaluation of one.
type MilestoneStamp struct {
	ID         int64
	WorkloadID int64
	Created    time.Time
}

// StampStore tells what changed, cheaply, so that views over many workloads (the
// portfolio) evaluate only those.
type StampStore interface {
	// Stamps gives every workload's stamp, by workload id.
	Stamps(ctx context.Context) ([]Stamp, error)
	// MilestoneStamps lists every milestone, by workload and then creation.
	MilestoneStamps(ctx context.Context) ([]MilestoneStamp, error)
	// MemberWorkloadIDs lists the ids of the workloads userID is a member of, in
	// order, without reading the workloads.
	MemberWorkloadIDs(ctx context.Context, userID int64) ([]int64, error)
}

// StoredTemplate is one version of a review template kept by the server: the YAML
// file as given (internal/reviewtemplate reads it) and who owns the template. Its
// first version's maker owns it; site administrators and the owner add versions.
type StoredTemplate struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	// OwnerID is the person who made the template's first version.
	OwnerID   int64  `json:"ownerId"`
	Owner     string `json:"owner"`
	Questions int    `json:"questions"`
	// Source is the YAML file. Lists leave it empty.
	Source    []byte    `json:"-"`
	CreatedBy string    `json:"createdBy"`
	Created   time.Time `json:"created"`
}

// TemplateStore keeps review templates. SaveTemplate stores a new version (ECONFLICT
// when the name and version exist); Templates lists the latest version of each, without
// sources; Template reads one version, LatestTemplate the highest, with its source.
type TemplateStore interface {
	SaveTemplate(ctx context.Context, by Actor, t *StoredTemplate) error
	Templates(ctx context.Context) ([]StoredTemplate, error)
	Template(ctx context.Context, name string, version int) (*StoredTemplate, error)
	LatestTemplate(ctx context.Context, name string) (*StoredTemplate, error)
}
