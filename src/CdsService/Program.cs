using CdsService.Attestation;
using CdsService.Audit;
using CdsService.CdsHooks;
using CdsService.Hosting;
using CdsService.Pages;
using CdsService.Policies;
using CdsService.Feedback;
using CdsService.Operator;
using CdsService.Policies.Terminology;
using CdsService.Security;
using CdsService.Storage;

var builder = WebApplication.CreateBuilder(ConfigurationFiles.WithoutContentRootWatch(args));

// Settings files reload on change by polling them, not by watching the content root (App_Data is in it).
builder.PollSettingsFiles();

// Structured logs (Serilog); never tokens or patient data.
builder.AddStructuredLogging();

// 0. Security: trusted CDS clients (CDS Hooks JWT profile), CORS, rate limits, body limit, timeouts.
builder.AddCdsSecurity();

// 1. CDS Hooks protocol: wire records, request validation, ProblemDetails errors.
builder.Services.AddCdsHooks();

// 2. Patient record: prefetch, then the EHR's FHIR server for what is missing.
builder.Services.AddPatientRecords();

// 3 and 4. Drug policies (Besponsa) and the cards and CRD system actions they render to.
builder.Services.AddPriorAuthPolicies();

// 5. What the service remembers: feedback, audit trail, determinations (SQLite, or PostgreSQL for replicas).
builder.Services.AddServiceState();
// Pages for people: the policy text, the questionnaire preview, the attestation form.
builder.Services.AddPages();
builder.Services.AddAttestationForms();

// Liveness and readiness for orchestrators.
builder.Services.AddHealth();

var app = builder.Build();

// Request logging sits outside the exception handler so it records the status the client really got.
app.UseRequestLogging();
app.UseRefusedCallAudit();
app.UseHardenedTransport();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCdsSecurity();

app.MapHealth();
app.MapCdsHooks();
app.MapPolicyDocuments();
app.MapPages();
app.MapAttestationForms();
app.MapValueSets();
app.MapFeedback();
app.MapOperator();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
