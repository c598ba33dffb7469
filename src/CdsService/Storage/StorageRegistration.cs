using Microsoft.Extensions.Options;
using Npgsql;

namespace CdsService.Storage;

/// <summary>Registers the one state store the configuration names, migrated at start and purged in the background.</summary>
internal static class StorageRegistration
{
    public const string PostgresConnectionName = "Postgres";

    public static IServiceCollection AddStateStore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (options.Provider == StorageProvider.Postgres)
            {
                var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(PostgresConnectionName)!;
                return new PostgresStateStore(NpgsqlDataSource.Create(connectionString));
            }

            var path = System.IO.Path.GetFullPath(options.Sqlite.Path, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new SqliteStateStore(path, options.Sqlite.CommandTimeoutSeconds);
        });
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<IStateStore>());
        services.AddSingleton<IFeedbackStore>(sp => sp.GetRequiredService<IStateStore>());
        services.AddSingleton<IDeterminationStore>(sp => sp.GetRequiredService<IStateStore>());
        services.AddSingleton<IFormSessionStore>(sp => sp.GetRequiredService<IStateStore>());
        services.AddHostedService<StoreMigration>();
        services.AddHostedService<StorePurge>();
        services.AddHostedService<SqliteCheckpointer>();
        return services;
    }
}

/// <summary>Start-up checks of section <c>Storage</c>.</summary>
internal sealed class StorageOptionsValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageRegistration.PostgresConnectionName)))
        {
            return ValidateOptionsResult.Fail("Storage:Provider is Postgres but ConnectionStrings:Postgres is not set (e.g. ConnectionStrings__Postgres=\"Host=db;Username=cds;Password=…;Database=cds\").");
        }

        if (options.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(options.Sqlite.Path))
        {
            return ValidateOptionsResult.Fail("Storage:Sqlite:Path is empty: name the database file, or leave it unset for App_Data/cds-state.db.");
        }

        if (options.Sqlite.CheckpointInterval <= TimeSpan.Zero || options.Sqlite.CheckpointInterval > TimeSpan.FromMinutes(1))
        {
            return ValidateOptionsResult.Fail("Storage:Sqlite:CheckpointInterval must be more than 0 and at most 1 minute (e.g. 00:00:00.200).");
        }

        return options.PurgeInterval <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail("Storage:PurgeInterval must be positive.")
            : ValidateOptionsResult.Success;
    }
}
