using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Hosting;

/// <summary>Wires the task orchestrator's grains and storage into an Orleans silo.</summary>
public static class TaskOrchestratorSiloExtensions
{
    /// <summary>The table of orchestration and condition-check grain state (the listing is <see cref="AzureOrchestrationIndex.DefaultTableName"/>).</summary>
    public const string OrchestrationStateTable = "OrchestrationState";

    /// <summary>The table of recurring schedules' grain state (the listing is <see cref="AzureScheduleIndex.DefaultTableName"/>).</summary>
    public const string ScheduleStateTable = "ScheduleState";

    /// <summary>The table of idempotency-key claims (one row per key used in the last 24 hours).</summary>
    public const string IdempotencyTable = "IdempotencyKeys";

    /// <summary>How many grain addresses each silo caches (Orleans' <see cref="GrainDirectoryOptions.CacheSize"/>).</summary>
    public const int DirectoryCacheSize = 100_000;

    /// <summary>
    /// Grains, storage, reminders and clustering as configured: Azure Storage from the <c>AzureStorage</c>
    /// connection string, or this process's memory when <c>TaskOrchestrator:Storage:Provider</c> is <c>Memory</c>.
    /// </summary>
    public static ISiloBuilder AddTaskOrchestrator(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection(ClusterEndpointOptions.SectionName).Get<ClusterEndpointOptions>() ?? new ClusterEndpointOptions();

        silo.AddTaskOrchestratorGrains();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<FailureDetectionOptions>().BindConfiguration(FailureDetectionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<FailureDetectionOptions>>((membership, detection) => detection.Value.ApplyTo(membership));

        if (storage.Provider == StorageProvider.Memory)
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId)
                .UseInMemoryReminderService()
                .AddInMemoryTaskStorage()
                .AddInMemoryOrchestrationStorage()
                .AddInMemoryScheduleStorage()
                .AddInMemoryIdempotencyStorage();
            return silo;
        }

        var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No Azure Storage connection string: set ConnectionStrings:{StorageOptions.ConnectionStringName} " +
                $"(environment variable ConnectionStrings__{StorageOptions.ConnectionStringName}), or set " +
                $"{StorageOptions.SectionName}:Provider to Memory for a throwaway in-memory silo.");
        }

        silo.ConfigureEndpoints(ResolveAddress(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false)
            .UseAzureStorageClustering(o => o.TableServiceClient = StorageClients.CreateTableServiceClient(connectionString, storage))
            .UseAzureTableReminderService(o => o.TableServiceClient = StorageClients.CreateTableServiceClient(connectionString, storage));
        silo.Services.AddSingleton<IExpiryIndex>(_ => new AzureExpiryIndex(
            StorageClients.CreateTableServiceClient(connectionString, storage), AzureExpiryIndex.TableNameFor(storage.TaskTable)));
        silo.Services.AddGrainStorage(StorageNames.Tasks, (sp, _) => new AzureTaskStorage(
            StorageClients.CreateTableServiceClient(connectionString, storage), storage.TaskTable, sp.GetRequiredService<Serializer>(), sp.GetRequiredService<TaskIdMinter>())
        {
            Expiry = sp.GetRequiredService<IExpiryIndex>(),
            Time = sp.GetRequiredService<TimeProvider>(),
        });
        silo.Services.AddSingleton<ITaskIndex>(sp => (AzureTaskStorage)sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Tasks));
        silo.Services.AddHostedService(sp => new IdKeyLoader(
            (AzureTaskStorage)sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Tasks), sp.GetRequiredService<TaskIdMinter>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<IdKeyLoader>>()));

        // Orchestrations are few next to tasks and change a few times each: Orleans' own table storage serves them.
        silo.AddAzureTableGrainStorage(StorageNames.Orchestrations, o => o.Configure<Serializer>((options, serializer) =>
        {
            options.TableServiceClient = StorageClients.CreateTableServiceClient(connectionString, storage);
            options.TableName = OrchestrationStateTable;

            // Retention removes orchestrations and checks: their rows go, not left behind emptied.
            options.DeleteStateOnClear = true;
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.AddSingleton(sp => new AzureOrchestrationIndex(StorageClients.CreateTableServiceClient(connectionString, storage))
        {
            Time = sp.GetRequiredService<TimeProvider>(),
        });
        silo.Services.AddSingleton<IOrchestrationIndex>(sp => sp.GetRequiredService<AzureOrchestrationIndex>());

        // Tasks and orchestrations stored before listing rows existed get theirs, in the background, once.
        silo.Services.AddSingleton<IListingMigration>(sp => (AzureTaskStorage)sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Tasks));
        silo.Services.AddSingleton<IListingMigration>(sp => sp.GetRequiredService<AzureOrchestrationIndex>());
        silo.Services.AddHostedService<ListingMigration>();

        // Schedules change a few times in their life and once per occurrence: Orleans' own table storage serves them.
        silo.AddAzureTableGrainStorage(StorageNames.Schedules, o => o.Configure<Serializer>((options, serializer) =>
        {
            options.TableServiceClient = StorageClients.CreateTableServiceClient(connectionString, storage);
            options.TableName = ScheduleStateTable;
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.AddSingleton<IScheduleIndex>(_ => new AzureScheduleIndex(StorageClients.CreateTableServiceClient(connectionString, storage)));

        // Claims are written once and read on repeats only: Orleans' own table storage serves them too.
        silo.AddAzureTableGrainStorage(StorageNames.Idempotency, o => o.Configure<Serializer>((options, serializer) =>
        {
            options.TableServiceClient = StorageClients.CreateTableServiceClient(connectionString, storage);
            options.TableName = IdempotencyTable;

            // A claim cleared (its window over, or its resource removed by retention) leaves no row behind.
            options.DeleteStateOnClear = true;
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        return silo;
    }

    /// <summary>Orchestration and condition-check state and the orchestration listing in this process's memory: tests and the in-memory mode.</summary>
    public static ISiloBuilder AddInMemoryOrchestrationStorage(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Orchestrations, o => o.Configure<Serializer>(
            (options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
        silo.Services.AddSingleton<IOrchestrationIndex>(sp => new InMemoryOrchestrationIndex { Time = sp.GetRequiredService<TimeProvider>() });
        return silo;
    }

    /// <summary>Recurring schedules' state and listing in this process's memory: tests and the in-memory mode.</summary>
    public static ISiloBuilder AddInMemoryScheduleStorage(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Schedules, o => o.Configure<Serializer>(
            (options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
        silo.Services.AddSingleton<IScheduleIndex, InMemoryScheduleIndex>();
        return silo;
    }

    /// <summary>Idempotency-key claims in this process's memory: tests and the in-memory mode.</summary>
    public static ISiloBuilder AddInMemoryIdempotencyStorage(this ISiloBuilder silo) =>
        silo.AddMemoryGrainStorage(StorageNames.Idempotency, o => o.Configure<Serializer>(
            (options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));

    /// <summary>The task store (grain state and listings) in this process's memory: tests and the in-memory mode.</summary>
    public static ISiloBuilder AddInMemoryTaskStorage(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<IExpiryIndex, InMemoryExpiryIndex>();
        silo.Services.AddGrainStorage(StorageNames.Tasks, (sp, _) => new InMemoryTaskStorage(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<TaskIdMinter>())
        {
            Expiry = sp.GetRequiredService<IExpiryIndex>(),
            Time = sp.GetRequiredService<TimeProvider>(),
        });
        silo.Services.AddSingleton<ITaskIndex>(sp => (InMemoryTaskStorage)sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Tasks));
        return silo;
    }

    /// <summary>The grains' own services and options, without any storage: for hosts that bring their own (tests).</summary>
    public static ISiloBuilder AddTaskOrchestratorGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;

        // Task reminders tick every few seconds so that a silo's death delays its overdue tasks by seconds, not minutes.
        services.AddOptions<ReminderOptions>().Configure<IOptions<TaskSchedulingOptions>>((reminders, scheduling) =>
        {
            reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
            reminders.RefreshReminderListPeriod = scheduling.Value.ReminderRefreshPeriod;
        });

        // Every task is a grain called a few times and then gone for good, yet Orleans' directory cache keeps each address
        // (~300 bytes) until it has gone unused for 4 minutes, up to a million, in a table sized for the million up front
        // (18 MiB). At 400 tasks/s that is 96,000-192,000 entries of finished tasks. A smaller cache still holds every task
        // pending or running at thousands of tasks/s; a miss costs one directory lookup.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);
        services.AddOptions<TaskSchedulingOptions>().BindConfiguration(TaskSchedulingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetryOptions>().BindConfiguration(RetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TargetNetworkOptions>().BindConfiguration(TargetNetworkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PendingLimitOptions>().BindConfiguration(PendingLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<TargetAddressPolicy>();
        services.TryAddSingleton<TargetConnector>();
        services.AddHttpClient(DeliveryOptions.HttpClientName, client =>
            {
                // Each attempt enforces its own timeout; this one must not cut it short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The SSRF guard: each connection goes only to an address the network policy allows; no redirects, no proxy.
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<TargetConnector>().CreateHandler())
            // No HttpClient request logging: every attempt is logged and recorded by the task itself, and a task's headers
            // may carry the target's credentials. The two logging handlers cost a log scope and several allocations per call.
            .RemoveAllLoggers();
        services.AddMetrics();
        services.TryAddSingleton<TaskOrchestratorMetrics>();
        services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AwsSigningOptions>().BindConfiguration(AwsSigningOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AwsHostAllowlist>();
        services.AddSingleton<AwsRequestSigner>();
        services.AddSingleton<OwnerSigningKeys>();
        services.AddSingleton<RequestSigner>();
        services.AddHostedService<SigningStartupCheck>();
        services.AddSingleton<TaskHttpInvoker>();
        services.AddSingleton<DeliveryDefaults>();
        services.AddSingleton<PreciseDispatcher>();
        services.AddSingleton<TaskHandover>();
        services.AddRetentionAndCallbacks();
        silo.AddRetentionSweep();
        services.TryAddSingleton<TaskIdMinter>();
        services.TryAddSingleton(TimeProvider.System);
        return silo;
    }

    // An IP address, or a host name such as a container's service name, resolved once at start.
    private static IPAddress ResolveAddress(string address) =>
        IPAddress.TryParse(address, out var ip)
            ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"{ClusterEndpointOptions.SectionName}:AdvertisedAddress '{address}' does not resolve to an IPv4 address.");
}
