namespace Slotgate.Tests.Import;

/// <summary>Envoy configurations as teams have them, for the import tests.</summary>
internal static class EnvoyConfigs
{
    /// <summary>The Envoy Gateway waypoint manifests that front a Redis Cluster on port 7000 (the shared reference input, verbatim).</summary>
    public const string GatewayWaypoint =
        """
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: EnvoyProxy
        metadata:
          name: waypoint
          namespace: envoy-gateway-system
        spec:
          logging:
            level:
              default: debug
          provider:
            kubernetes:
              envoyDeployment:
                container:
                  image: envoyproxy/envoy:v1.34.4
              envoyService:
                patch:
                  type: StrategicMerge
                  value:
                    spec:
                      ports:
                      - name: fake-hbone-port
                        port: 15008
                        protocol: TCP
                        targetPort: 15008
                type: ClusterIP
            type: Kubernetes
          telemetry:
            accessLog: {}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          labels:
            istio.io/dataplane-mode: ambient
          name: redis-waypoint
          namespace: default
        spec:
          gatewayClassName: eg-waypoint
          listeners:
          - allowedRoutes:
              namespaces:
                from: All
            name: redis
            port: 7000
            protocol: TCP
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: eg-waypoint
        spec:
          controllerName: gateway.envoyproxy.io/gatewayclass-controller
          parametersRef:
            group: gateway.envoyproxy.io
            kind: EnvoyProxy
            name: waypoint
            namespace: envoy-gateway-system
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata:
          name: redis
          namespace: default
        spec:
          parentRefs:
          - group: gateway.networking.k8s.io
            kind: Gateway
            name: redis-waypoint
          rules:
          - backendRefs:
            - group: ""
              kind: Service
              name: redis
              port: 7000
              weight: 1
        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: EnvoyPatchPolicy
        metadata:
          name: redis-envoy-patch-policy
          namespace: default
        spec:
          targetRef:
            group: gateway.networking.k8s.io
            kind: Gateway
            name: redis-waypoint
          type: JSONPatch
          jsonPatches:
          - name: default/redis-waypoint/redis
            type: type.googleapis.com/envoy.config.listener.v3.Listener
            operation:
              op: replace
              path: /filter_chains/0/filters/0
              value:
                name: envoy.filters.network.redis_proxy
                typed_config:
                  '@type': type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
                  prefix_routes:
                    catch_all_route:
                      cluster: redis_cluster
                  settings:
                    enable_redirection: true
                    op_timeout: 5s
                    dns_cache_config:
                      name: dns_cache_for_redis
                      dns_lookup_family: V4_ONLY
                      max_hosts: 100
                  stat_prefix: redis_stats
          - name: redis_cluster
            type: type.googleapis.com/envoy.config.cluster.v3.Cluster
            operation:
              op: add
              path: ""
              value:
                name: redis_cluster
                connect_timeout: 10s
                cluster_type:
                  name: envoy.clusters.redis
                load_assignment:
                  cluster_name: redis-cluster
                  endpoints:
                  - lb_endpoints:
                    - endpoint:
                        address:
                          socket_address:
                            address: redis.external-redis # please replace with your redis service address
                            port_value: 7000
        """;

    /// <summary>A bare RedisProxy typed config using most fields: auth, faults, custom commands, read policy, buffers.</summary>
    public const string BareRedisProxy =
        """
        "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
        stat_prefix: orders
        settings:
          op_timeout: 0.5s
          enable_redirection: true
          enable_hashtagging: true
          read_policy: PREFER_REPLICA
          max_buffer_size_before_flush: 1024
          buffer_flush_timeout: 0.003s
          connection_rate_limit:
            connection_rate_per_sec: 100
        prefix_routes:
          catch_all_route:
            cluster: orders_redis
        downstream_auth_username:
          inline_string: app
        downstream_auth_passwords:
        - inline_string: first-secret
        - filename: /etc/redis/second-secret
        faults:
        - fault_type: ERROR
          fault_enabled:
            default_value:
              numerator: 10
              denominator: HUNDRED
            runtime_key: redis.fault.error
          commands:
          - GET
        - fault_type: DELAY
          fault_enabled:
            default_value:
              numerator: 2500
              denominator: TEN_THOUSAND
          delay: 0.2s
        custom_commands:
        - JSON.GET
        - BF.ADD
        latency_in_micros: true
        shiny_new_field: 1
        """;

    /// <summary>A full bootstrap: listener with the filter, the Redis Cluster with refresh settings and upstream auth, an unrelated cluster.</summary>
    public const string Bootstrap =
        """
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: 9901 }
        static_resources:
          listeners:
          - name: redis_listener
            address:
              socket_address:
                address: 0.0.0.0
                port_value: 6380
            filter_chains:
            - filters:
              - name: envoy.filters.network.redis_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
                  stat_prefix: egress_redis
                  settings:
                    op_timeout: { seconds: 3, nanos: 500000000 }
                    read_policy: REPLICA
                    enable_redirection: false
                  prefix_routes:
                    case_insensitive: true
                    routes:
                    - prefix: "cache:"
                      cluster: cache_redis
                      remove_prefix: true
                    catch_all_route:
                      cluster: main_redis
                      request_mirror_policy:
                      - cluster: cache_redis
                        exclude_read_commands: true
          clusters:
          - name: main_redis
            connect_timeout: 1s
            dns_lookup_family: V4_ONLY
            cluster_type:
              name: envoy.clusters.redis
              typed_config:
                "@type": type.googleapis.com/google.protobuf.Struct
                value:
                  cluster_refresh_rate: 30s
                  cluster_refresh_timeout: 0.5s
                  redirect_refresh_interval: 10s
                  redirect_refresh_threshold: 10
            typed_extension_protocol_options:
              envoy.filters.network.redis_proxy:
                "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProtocolOptions
                auth_username: { inline_string: proxy }
                auth_password: { inline_string: "upstream pass" }
            load_assignment:
              cluster_name: main_redis
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address: { address: redis-0.redis, port_value: 6379 }
                - endpoint:
                    address:
                      socket_address: { address: "fd00::1", port_value: 6379 }
            health_checks:
            - timeout: 1s
              interval: 5s
              custom_health_check:
                name: envoy.health_checkers.redis
          - name: cache_redis
            connect_timeout: 1s
            type: STRICT_DNS
            lb_policy: RING_HASH
            load_assignment:
              cluster_name: cache_redis
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: cache-0, port_value: 6379 } } }
        """;
}
