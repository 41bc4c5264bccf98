//! Decode-then-encode reproduces the server's JSON for objects of many kinds across
//! groups: each object is created through its typed client, read back raw, decoded into
//! the generated type and encoded again. The same object read in protobuf decodes to
//! the same value.

#![allow(clippy::unwrap_used)] // test set-up panics on purpose when the server misbehaves
#![recursion_limit = "512"] // the json! manifests are deep

mod support;

use clientgo_apimachinery::meta::{CreateOptions, GetOptions};
use clientgo_apimachinery::resource::verb;
use clientgo_apimachinery::{Metadata, Resource};
use clientgo_kubernetes::{Client, Clientset};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Numbers compare by value (`1` and `1.0` are the same JSON number), and a field the
/// server sends as `null` (Go's unset `metav1.Time` without `omitempty`, e.g.
/// `Event.eventTime`) equals an absent one.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

async fn round_trip<K>(client: Client<K>, manifest: Value)
where
    K: Resource + Metadata + Serialize + DeserializeOwned + verb::Create + verb::Get + 'static,
{
    let object: K = serde_json::from_value(manifest.clone())
        .unwrap_or_else(|e| panic!("{} manifest does not decode: {e}", K::KIND));
    let created = client
        .create(&object, &CreateOptions::default())
        .await
        .unwrap_or_else(|e| panic!("creating a {}: {e}", K::KIND));
    let name = created.name().unwrap().to_string();
    let raw: Value = client
        .requests()
        .get(&name, &GetOptions::default(), &[])
        .await
        .unwrap();
    let decoded: K = serde_json::from_value(raw.clone())
        .unwrap_or_else(|e| panic!("the server's {} does not decode: {e}\n{raw:#}", K::KIND));
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(
        normalized(&encoded),
        normalized(&raw),
        "{} changed in a decode/encode round trip",
        K::KIND
    );
    if K::protobuf().is_some() {
        let protobuf = Client::<K>::new(
            support::protobuf_rest_client().await,
            client.namespace().unwrap_or_default(),
        );
        let from_protobuf = protobuf
            .get(&name, &GetOptions::default())
            .await
            .unwrap_or_else(|e| panic!("reading the {} in protobuf: {e}", K::KIND));
        assert_eq!(
            serde_json::to_value(&from_protobuf).unwrap(),
            support::without_embedded_type_meta(encoded),
            "the {} decodes differently from protobuf",
            K::KIND
        );
    }
}

fn pod_spec() -> Value {
    json!({"containers": [{"name": "app", "image": "nginx:1"}]})
}

fn template(app: &str) -> Value {
    json!({"metadata": {"labels": {"app": app}}, "spec": pod_spec()})
}

fn full_pod() -> Value {
    json!({
        "metadata": {"name": "full", "labels": {"app": "full", "tier": "web"},
            "annotations": {"note": "every optional field"}},
        "spec": {
            "activeDeadlineSeconds": 600,
            "affinity": {
                "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}]},
                    "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 5, "preference":
                        {"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["x"]}]}}]},
                "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10,
                    "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone",
                        "namespaces": ["default"]}}]},
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]},
                     "topologyKey": "kubernetes.io/hostname"}]}
            },
            "automountServiceAccountToken": false,
            "containers": [{
                "name": "app", "image": "nginx:1", "imagePullPolicy": "IfNotPresent",
                "command": ["/bin/sh", "-c"], "args": ["echo hi"], "workingDir": "/work",
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP", "hostPort": 18080}],
                "env": [
                    {"name": "PLAIN", "value": "v"},
                    {"name": "FROM_FIELD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                    {"name": "FROM_CM", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k", "optional": true}}},
                    {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k", "optional": true}}},
                    {"name": "FROM_RES", "valueFrom": {"resourceFieldRef": {"containerName": "app", "resource": "limits.cpu", "divisor": "1m"}}}
                ],
                "envFrom": [{"prefix": "CM_", "configMapRef": {"name": "cm", "optional": true}},
                            {"secretRef": {"name": "s", "optional": true}}],
                "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m", "memory": "64Mi"}},
                "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": true, "subPath": "sub"},
                                 {"name": "cache", "mountPath": "/cache", "mountPropagation": "None"}],
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP",
                    "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
                    "initialDelaySeconds": 3, "periodSeconds": 5, "timeoutSeconds": 2, "failureThreshold": 4, "successThreshold": 1},
                "readinessProbe": {"tcpSocket": {"port": "http"}, "periodSeconds": 7},
                "startupProbe": {"exec": {"command": ["true"]}, "failureThreshold": 30},
                "lifecycle": {"preStop": {"sleep": {"seconds": 2}}, "postStart": {"exec": {"command": ["true"]}}},
                "securityContext": {"runAsUser": 1000, "runAsGroup": 1000, "runAsNonRoot": true,
                    "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false,
                    "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                    "seccompProfile": {"type": "RuntimeDefault"}},
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "FallbackToLogsOnError",
                "stdin": false, "tty": false
            }],
            "initContainers": [{"name": "init", "image": "busybox", "command": ["true"], "restartPolicy": "Always"}],
            "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": ["example.com"], "options": [{"name": "ndots", "value": "2"}]},
            "dnsPolicy": "None",
            "enableServiceLinks": false,
            "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["alias.local"]}],
            "hostname": "full", "subdomain": "sub",
            "nodeSelector": {"disk": "ssd"},
            "readinessGates": [{"conditionType": "example.com/ready"}],
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"fsGroup": 2000, "fsGroupChangePolicy": "OnRootMismatch", "supplementalGroups": [3000],
                "sysctls": [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"}]},
            "serviceAccountName": "default",
            "shareProcessNamespace": true,
            "terminationGracePeriodSeconds": 15,
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
                            {"key": "gone", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}],
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app": "full"}}}],
            "volumes": [
                {"name": "data", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                {"name": "cache", "hostPath": {"path": "/tmp/cache", "type": "DirectoryOrCreate"}},
                {"name": "cm", "configMap": {"name": "cm", "items": [{"key": "k", "path": "p", "mode": 420}], "defaultMode": 420, "optional": true}},
                {"name": "secret", "secret": {"secretName": "s", "defaultMode": 256, "optional": true}},
                {"name": "projected", "projected": {"sources": [
                    {"serviceAccountToken": {"audience": "api", "expirationSeconds": 3600, "path": "token"}},
                    {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}}]}}]}},
                {"name": "claim", "persistentVolumeClaim": {"claimName": "data", "readOnly": true}},
                {"name": "ephemeral", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}}}}}}
            ]
        }
    })
}

#[tokio::test]
async fn workloads_and_core_kinds_survive_a_round_trip() {
    let c: Clientset = support::clientset().await;
    let ns = support::namespace("round-trip").await;
    let ns = ns.as_str();
    round_trip(c.core_v1().pods(ns), full_pod()).await;
    round_trip(
        c.core_v1().config_maps(ns),
        json!({"metadata": {"name": "cm"}, "data": {"k": "v"}, "binaryData": {"b": "AAEC"}}),
    )
    .await;
    round_trip(
        c.core_v1().secrets(ns),
        json!({"metadata": {"name": "s"}, "type": "Opaque", "data": {"k": "c2VjcmV0"}}),
    )
    .await;
    round_trip(
        c.core_v1().service_accounts(ns),
        json!({"metadata": {"name": "sa"}, "automountServiceAccountToken": false}),
    )
    .await;
    round_trip(c.core_v1().services(ns), json!({"metadata": {"name": "svc"}, "spec": {"selector": {"app": "web"},
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], "sessionAffinity": "ClientIP"}})).await;
    round_trip(
        c.core_v1().persistent_volume_claims(ns),
        json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "standard"}}),
    )
    .await;
    round_trip(c.core_v1().resource_quotas(ns), json!({"metadata": {"name": "quota"}, "spec": {"hard": {"pods": "10", "requests.cpu": "2"}}})).await;
    round_trip(c.core_v1().limit_ranges(ns), json!({"metadata": {"name": "limits"}, "spec": {"limits": [{"type": "Container",
        "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "100m"}, "max": {"memory": "1Gi"}}]}})).await;
    round_trip(c.core_v1().events(ns), json!({"metadata": {"name": "ev"}, "involvedObject": {"kind": "Pod", "name": "full", "namespace": ns},
        "reason": "Started", "message": "hello", "type": "Normal", "source": {"component": "test"}, "count": 1})).await;
    round_trip(
        c.core_v1().pod_templates(ns),
        json!({"metadata": {"name": "tpl"}, "template": template("tpl")}),
    )
    .await;
    round_trip(
        c.core_v1().replication_controllers(ns),
        json!({"metadata": {"name": "rc"}, "spec": {"replicas": 1,
        "selector": {"app": "rc"}, "template": template("rc")}}),
    )
    .await;
    let selector = |app: &str| json!({"matchLabels": {"app": app}});
    round_trip(c.apps_v1().deployments(ns), json!({"metadata": {"name": "web"}, "spec": {"replicas": 2, "selector": selector("web"),
        "template": template("web"), "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}}}})).await;
    round_trip(c.apps_v1().stateful_sets(ns), json!({"metadata": {"name": "db"}, "spec": {"serviceName": "db", "selector": selector("db"),
        "template": template("db"), "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}}}}]}})).await;
    round_trip(c.apps_v1().daemon_sets(ns), json!({"metadata": {"name": "agent"}, "spec": {"selector": selector("agent"), "template": template("agent")}})).await;
    round_trip(c.apps_v1().replica_sets(ns), json!({"metadata": {"name": "rs"}, "spec": {"replicas": 0, "selector": selector("rs"), "template": template("rs")}})).await;
    round_trip(
        c.apps_v1().controller_revisions(ns),
        json!({"metadata": {"name": "rev"}, "revision": 3, "data": {"spec": {"x": 1}}}),
    )
    .await;
    let job_template = json!({"spec": {"containers": [{"name": "job", "image": "busybox"}], "restartPolicy": "Never"}});
    round_trip(
        c.batch_v1().jobs(ns),
        json!({"metadata": {"name": "job"}, "spec": {"backoffLimit": 2, "template": job_template}}),
    )
    .await;
    round_trip(c.batch_v1().cron_jobs(ns), json!({"metadata": {"name": "cron"}, "spec": {"schedule": "*/5 * * * *", "timeZone": "Etc/UTC",
        "jobTemplate": {"spec": {"template": job_template}}}})).await;
    round_trip(c.networking_v1().ingresses(ns), json!({"metadata": {"name": "ing"}, "spec": {"ingressClassName": "nginx", "rules": [{"host": "a.example.com",
        "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "svc", "port": {"number": 80}}}}]}}],
        "tls": [{"hosts": ["a.example.com"], "secretName": "tls"}]}})).await;
    round_trip(c.networking_v1().network_policies(ns), json!({"metadata": {"name": "deny"}, "spec": {"podSelector": {},
        "policyTypes": ["Ingress", "Egress"], "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
        "ports": [{"protocol": "TCP", "port": 443}]}]}})).await;
    round_trip(c.policy_v1().pod_disruption_budgets(ns), json!({"metadata": {"name": "pdb"}, "spec": {"minAvailable": "50%", "selector": selector("web")}})).await;
    round_trip(c.autoscaling_v2().horizontal_pod_autoscalers(ns), json!({"metadata": {"name": "hpa"}, "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5,
        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}],
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 30}]}}}})).await;
    round_trip(c.rbac_v1().roles(ns), json!({"metadata": {"name": "reader"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]})).await;
    round_trip(c.rbac_v1().role_bindings(ns), json!({"metadata": {"name": "reader"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": ns}]})).await;
    round_trip(c.coordination_v1().leases(ns), json!({"metadata": {"name": "lock"}, "spec": {"holderIdentity": "me", "leaseDurationSeconds": 15,
        "acquireTime": "2026-01-02T03:04:05.000000Z", "renewTime": "2026-01-02T03:04:06.123456Z", "leaseTransitions": 2}})).await;
    round_trip(c.events_v1().events(ns), json!({"metadata": {"name": "ev2"}, "eventTime": "2026-01-02T03:04:05.000000Z", "reportingController": "example.com/test",
        "reportingInstance": "test-1", "action": "Created", "reason": "Created", "type": "Normal", "regarding": {"kind": "Pod", "name": "full", "namespace": ns}})).await;
    round_trip(c.discovery_v1().endpoint_slices(ns), json!({"metadata": {"name": "slice"}, "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.0.0.5"], "conditions": {"ready": true}}], "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]})).await;
}

#[tokio::test]
async fn cluster_scoped_kinds_survive_a_round_trip() {
    let c: Clientset = support::clientset().await;
    let unique = support::namespace("round-trip-cluster").await; // a unique suffix for names
    let name = |base: &str| format!("{base}-{unique}");
    // The random end of the namespace name (lowercase letters and digits), for names
    // that allow no `-`.
    let suffix = unique.rsplit('-').next().unwrap();
    round_trip(
        c.core_v1().namespaces(),
        json!({"metadata": {"name": name("ns"), "labels": {"team": "a"}}}),
    )
    .await;
    round_trip(c.core_v1().nodes(), json!({"metadata": {"name": name("node")}, "spec": {"podCIDR": "10.1.0.0/24", "unschedulable": true,
        "taints": [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}]}})).await;
    round_trip(c.core_v1().persistent_volumes(), json!({"metadata": {"name": name("pv")}, "spec": {"capacity": {"storage": "5Gi"},
        "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": "/mnt/data"}}})).await;
    round_trip(c.rbac_v1().cluster_roles(), json!({"metadata": {"name": name("cr")}, "rules": [{"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]})).await;
    round_trip(c.rbac_v1().cluster_role_bindings(), json!({"metadata": {"name": name("crb")}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole", "name": name("cr")}, "subjects": [{"kind": "Group", "name": "devs", "apiGroup": "rbac.authorization.k8s.io"}]})).await;
    round_trip(c.storage_v1().storage_classes(), json!({"metadata": {"name": name("sc")}, "provisioner": "example.com/disk",
        "parameters": {"type": "ssd"}, "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true})).await;
    round_trip(c.storage_v1().csi_drivers(), json!({"metadata": {"name": name("csi.example.com")}, "spec": {"attachRequired": false, "podInfoOnMount": true}})).await;
    round_trip(
        c.scheduling_v1().priority_classes(),
        json!({"metadata": {"name": name("pc")}, "value": 1000, "globalDefault": false,
        "description": "important", "preemptionPolicy": "PreemptLowerPriority"}),
    )
    .await;
    round_trip(c.node_v1().runtime_classes(), json!({"metadata": {"name": name("rc")}, "handler": "runc",
        "overhead": {"podFixed": {"cpu": "10m"}}, "scheduling": {"nodeSelector": {"runtime": "runc"}}})).await;
    round_trip(
        c.networking_v1().ingress_classes(),
        json!({"metadata": {"name": name("ic")}, "spec": {"controller": "example.com/ingress"}}),
    )
    .await;
    round_trip(c.certificates_v1().certificate_signing_requests(), json!({"metadata": {"name": name("csr")}, "spec": {
        "request": CSR_PEM_BASE64, "signerName": "example.com/signer", "usages": ["client auth"], "expirationSeconds": 3600}})).await;
    round_trip(c.apiextensions_v1().custom_resource_definitions(), json!({"metadata": {"name": format!("things{suffix}.roundtrip.clientgo.dev")},
        "spec": {"group": "roundtrip.clientgo.dev", "scope": "Namespaced",
        "names": {"plural": format!("things{suffix}"), "kind": format!("Thing{suffix}"), "shortNames": []},
        "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object",
                "properties": {"size": {"type": "integer", "minimum": 1, "maximum": 10.5}, "tags": {"type": "array", "items": {"type": "string"}}},
                "x-kubernetes-preserve-unknown-fields": true}}}}}]}})).await;
    round_trip(c.admissionregistration_v1().validating_admission_policies(), json!({"metadata": {"name": name("vap")}, "spec": {
        "failurePolicy": "Fail", "matchConstraints": {"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
        "operations": ["CREATE"], "resources": ["deployments"]}]}, "validations": [{"expression": "object.spec.replicas <= 5"}]}})).await;
    round_trip(c.admissionregistration_v1().validating_webhook_configurations(), json!({"metadata": {"name": name("vwc")}, "webhooks": [{
        "name": "check.example.com", "admissionReviewVersions": ["v1"], "sideEffects": "None", "failurePolicy": "Ignore",
        "clientConfig": {"url": "https://example.com/validate"}, "rules": [{"apiGroups": [""], "apiVersions": ["v1"],
        "operations": ["CREATE"], "resources": ["configmaps"], "scope": "Namespaced"}]}]})).await;
    round_trip(c.flowcontrol_v1().priority_level_configurations(), json!({"metadata": {"name": name("plc")}, "spec": {"type": "Limited",
        "limited": {"nominalConcurrencyShares": 5, "limitResponse": {"type": "Queue", "queuing": {"queues": 8, "handSize": 4, "queueLengthLimit": 20}}}}})).await;
    round_trip(c.flowcontrol_v1().flow_schemas(), json!({"metadata": {"name": name("fs")}, "spec": {"priorityLevelConfiguration": {"name": name("plc")},
        "matchingPrecedence": 5000, "distinguisherMethod": {"type": "ByUser"}, "rules": [{"subjects": [{"kind": "User", "user": {"name": "bob"}}],
        "resourceRules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "namespaces": ["*"]}]}]}})).await;
}

/// A PKCS#10 request for CN=round-trip (any well-formed request is accepted by create).
const CSR_PEM_BASE64: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIUU1IY0NBUUF3RlRFVE1CRUdBMVVFQXd3S2NtOTFibVF0ZEhKcGNEQlpNQk1HQnlxR1NNNDlBZ0VHQ0NxRwpTTTQ5QXdFSEEwSUFCT0NxNmZ6RTJaNUtuMWM3bjBPTkRCRXFQR1gvMkpnV3p1ck9BWXhNcHRUWDNvWEQ1Z0kvCk90cmZucy9meFV6TlAydVUzY0MrRm1NSFY3WlY4elcrVTllZ0FEQUtCZ2dxaGtqT1BRUURBZ05KQURCR0FpRUEKeXU3KzRVRVJEZCtpVnFRZ0ZGbkdSM3lDR2J2S2tGMXFEdVJVcXhDOUtjTUNJUUR2cElxR1hsWDg0Tkl3ZkQ2cgpjYiszb09OczNEaEJ5NVpucUFneTB0UHMwZz09Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=";
