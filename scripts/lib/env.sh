# shellcheck shell=bash
# Environment for processes that talk to the local services (scripts/dev, scripts/test):
# the original design's defaults, exported so every test and the server see the same
# values as scripts/services. Anything already set wins. Needs $root (the checkout).
: "${root:?lib/env.sh needs root set to the repository root}"

export MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
export MYSQL_PORT=${MYSQL_PORT:-3306}
export MYSQL_USER=${MYSQL_USER:-root}
export MYSQL_PASSWORD=${MYSQL_PASSWORD:-password}
export MYSQL_DATABASE=${MYSQL_DATABASE:-vibework}
export MONGODB_URI=${MONGODB_URI:-mongodb://localhost:27017/vibework}
export REDIS_URL=${REDIS_URL:-redis://localhost:6379}
export PUBSUB_PROJECT_ID=${PUBSUB_PROJECT_ID:-vibework-project}
export PUBSUB_EMULATOR_HOST=${PUBSUB_EMULATOR_HOST:-localhost:8085}
# MYSQL_HOST=localhost makes MariaDB Connector/C use a Unix socket, by default
# /run/mysqld/mysqld.sock, which our server does not use; point it at ours.
if [[ -z ${MYSQL_UNIX_PORT:-} ]]; then
  export MYSQL_UNIX_PORT=$root/.local/mariadb/mysqld.sock
fi
# Mail goes to the local Mailpit (scripts/services), whose UI shows it: http://127.0.0.1:8025
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:1025}
export MAIL_FROM=${MAIL_FROM:-vibework <no-reply@vibework.localhost>}
