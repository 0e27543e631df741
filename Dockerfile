# popfind serve in a container: one static binary and the CA certificates,
# run as a user without privileges.
#
#   docker build -t popfind .
#   docker run --rm -p 8080:8080 popfind                  # http://127.0.0.1:8080/
#   docker run --rm -p 8080:8080 -v /etc/popfind/users:/users:ro popfind --auth-file /users
#
# Arguments after the image name are added to `popfind serve --listen
# 0.0.0.0:8080`: any flag of popfind serve (--auth-file, --trust-proxy,
# --log-format json, --offline, ...), or its POPFIND_* variable with -e.
# Without --auth-file anyone who reaches the port may use the desk, and
# popfind warns about it at start; the users file must be readable by uid
# 65534. The image keeps nothing: run as many as
# you like behind a load balancer, which can ask /healthz.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# docker build --build-arg VERSION=1.2.3 sets what popfind --version says.
ARG VERSION=
# Static (no cgo: popfind resolves with its own DNS client), without the
# documentation generators of urfave/cli, which popfind does not use.
RUN CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs \
      -ldflags "-s -w ${VERSION:+-X github.com/popfind/popfind/app.Version=$VERSION}" \
      -o /out/popfind .

FROM scratch
# The certificates of the mail servers, autoconfig hosts and the ISP
# database are checked against Debian's CA bundle, which Go finds here.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/popfind /popfind
# nobody:nogroup; popfind writes no file.
USER 65534:65534
EXPOSE 8080
ENTRYPOINT ["/popfind", "serve", "--listen", "0.0.0.0:8080"]
