"""docker-compose.yml cannot be started here (no Docker engine on the dev machines), so it is
parsed and checked against the pom and the settings the local broker uses."""

from __future__ import annotations

import base64

import pytest

from streams.adapters.local_kafka import POM, find_project_root, kafka_version
from streams.config import KafkaConfig

yaml = pytest.importorskip("yaml", reason="PyYAML (test extra) parses docker-compose.yml")


@pytest.fixture(scope="module")
def kafka_service() -> dict:
    with open(find_project_root() / "docker-compose.yml") as handle:
        compose = yaml.safe_load(handle)
    return compose["services"]["kafka"]


def test_image_is_the_kafka_version_of_the_pom(kafka_service: dict) -> None:
    assert kafka_service["image"] == f"apache/kafka:{kafka_version(find_project_root() / POM)}"


def test_broker_port_is_published_on_localhost_only(kafka_service: dict) -> None:
    port = KafkaConfig().port
    assert kafka_service["ports"] == [f"127.0.0.1:{port}:9092"]
    assert f"PLAINTEXT://127.0.0.1:{port}" in kafka_service["environment"]["KAFKA_ADVERTISED_LISTENERS"]


def test_single_node_kraft_settings(kafka_service: dict) -> None:
    env = kafka_service["environment"]

    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 1
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == 1
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == 0
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    # Kafka refuses to format storage with an id that is not 16 bytes of base64url.
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16


def test_data_lives_in_a_named_volume_and_health_is_checked(kafka_service: dict) -> None:
    with open(find_project_root() / "docker-compose.yml") as handle:
        volumes = yaml.safe_load(handle)["volumes"]
    volume_name, mount_point = kafka_service["volumes"][0].split(":")

    assert volume_name in volumes
    assert mount_point == kafka_service["environment"]["KAFKA_LOG_DIRS"]
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in " ".join(kafka_service["healthcheck"]["test"])


# ---------------------------------------------------------------- the pipeline and monitoring services

ROOT = find_project_root()
PICKET_SERVICES = ("worker-1", "worker-2", "feed", "alertmanager-bridge")


@pytest.fixture(scope="module")
def compose() -> dict:
    with open(ROOT / "docker-compose.yml") as handle:
        return yaml.safe_load(handle)


def _flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def _listen_address(service: dict, flag: str) -> str:
    (value,) = [arg.split("=", 1)[1] for arg in service["command"] if arg.startswith(f"{flag}=")]
    return value


def _yaml(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text())


def test_every_mounted_file_and_the_build_files_exist(compose: dict) -> None:
    named = set(compose["volumes"])
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which does not exist"
            else:
                assert source in named, f"{name} uses undeclared volume {source}"
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
    assert (ROOT / "deploy/docker/Dockerfile.dockerignore").is_file()  # else the context holds .venv and .cache


def test_picket_services_run_valid_commands_against_the_published_broker(compose: dict) -> None:
    from streams.cli.main import build_parser

    parser = build_parser()
    for name in PICKET_SERVICES:
        service = compose["services"][name]
        assert service["image"] == "picket:local" and service["network_mode"] == "host"
        args = parser.parse_args(service["command"])  # argparse exits on an unknown flag
        assert args.broker == KafkaConfig().bootstrap
    feed = compose["services"]["feed"]["command"]
    assert (ROOT / "examples" / feed[2].removeprefix("/app/examples/")).is_file()


def test_worker_ports_are_the_defaults_and_prometheus_scrapes_each_worker(compose: dict) -> None:
    from streams.cli.main import build_parser
    from streams.cli.worker import apply_overrides
    from streams.config import Settings, WorkerConfig

    parser = build_parser()
    ports = {}
    for name in ("worker-1", "worker-2"):
        settings = apply_overrides(Settings(), parser.parse_args(compose["services"][name]["command"]))
        ports[name] = (settings.worker.metrics_port, settings.worker.web_port)
        assert f"127.0.0.1:{settings.worker.metrics_port}/metrics" in " ".join(compose["services"][name]["healthcheck"]["test"])
    assert ports["worker-1"] == (WorkerConfig().metrics_port, WorkerConfig().web_port) == (9108, 6066)
    assert len({port for pair in ports.values() for port in pair}) == 4  # one host, no clashes
    jobs = {job["job_name"]: job for job in _yaml("deploy/prometheus/prometheus.yml")["scrape_configs"]}
    scraped = [t for config in jobs["picket-worker"]["static_configs"] for t in config["targets"]]
    assert scraped == [f"127.0.0.1:{metrics}" for metrics, _ in ports.values()]


def test_bridge_alertmanager_prometheus_and_grafana_find_each_other(compose: dict) -> None:
    from streams.cli import alertmanager_bridge

    services = compose["services"]
    bridge = services["alertmanager-bridge"]["command"]
    alertmanager = _listen_address(services["alertmanager"], "--web.listen-address")
    prometheus = _listen_address(services["prometheus"], "--web.listen-address")
    assert _flag(bridge, "--alertmanager") == f"http://{alertmanager}" == alertmanager_bridge.DEFAULT_ALERTMANAGER
    assert int(_flag(bridge, "--metrics-port")) == alertmanager_bridge.DEFAULT_METRICS_PORT
    assert _listen_address(services["alertmanager"], "--cluster.listen-address") == ""  # one node, no gossip port

    config = _yaml("deploy/prometheus/prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["picket-alertmanager-bridge"]["static_configs"][0]["targets"] == [f"127.0.0.1:{alertmanager_bridge.DEFAULT_METRICS_PORT}"]
    assert jobs["prometheus"]["static_configs"][0]["targets"] == [prometheus]
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == [alertmanager]
    # Prometheus reads its config and rules from the mounted deploy/prometheus.
    mount = next(v for v in services["prometheus"]["volumes"] if v.startswith("./deploy/prometheus:"))
    assert _listen_address(services["prometheus"], "--config.file") == mount.split(":")[1] + "/prometheus.yml"
    for pattern in config["rule_files"]:
        assert list((ROOT / "deploy/prometheus").glob(pattern))

    datasource = _yaml("deploy/grafana/provisioning/datasources/prometheus.yml")["datasources"][0]
    assert datasource["url"] == f"http://{prometheus}"
    grafana = services["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"] if v.startswith("./"))
    provider = _yaml("deploy/grafana/provisioning/dashboards/picket.yml")["providers"][0]
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (ROOT / "deploy/grafana/dashboards" / home.removeprefix(provider["options"]["path"] + "/")).is_file()


def test_host_network_services_listen_on_loopback_only(compose: dict) -> None:
    services = compose["services"]
    assert services["grafana"]["environment"]["GF_SERVER_HTTP_ADDR"] == "127.0.0.1"
    for name in ("prometheus", "alertmanager"):
        assert _listen_address(services[name], "--web.listen-address").startswith("127.0.0.1:")
    bridge = services["alertmanager-bridge"]["command"]
    assert "--metrics-address" not in bridge or _flag(bridge, "--metrics-address") == "127.0.0.1"
