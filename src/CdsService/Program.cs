using CdsService.CdsHooks;
using CdsService.Hosting;
using CdsService.Policies;

var builder = WebApplication.CreateBuilder(args);

// Structured logs (Serilog); never tokens or patient data.
builder.AddStructuredLogging();

// 1. CDS Hooks protocol: wire records, request validation, ProblemDetails errors.
builder.Services.AddCdsHooks();

// 2. Patient record: prefetch, then the EHR's FHIR server for what is missing.
builder.Services.AddPatientRecords();

// 3 and 4. Drug policies (Besponsa) and the cards and CRD system actions they render to.
builder.Services.AddPriorAuthPolicies();

var app = builder.Build();

// Request logging sits outside the exception handler so it records the status the client really got.
app.UseRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapCdsHooks();
app.MapPolicyDocuments();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
