/*
 * Open-loop HTTP/1.1 load at a fixed rate, in C, for p99 "at N req/s" (bench/http.ts builds it with
 * cc when it can; bench/paced-load.ts is the same in JavaScript). Against a bare node:http server the
 * JavaScript sender alone showed p99 4–11 ms at 1,000/s (its own event loop on a shared host), which
 * is the size of the figure being measured; this sender's own share is a tight epoll loop.
 *
 * Request i is due at start + i/rate and its latency runs from that due time to the end of its answer
 * (a late send counts against the server: no coordinated omission, as in wrk2). Each request carries
 * its own body: line i of the file (signed assertions are single-use).
 *
 * Usage: paced-load <port> <rate> <count> <bodies file> [connections]   (127.0.0.1 only)
 * Prints one JSON line: {"sent","ok","errors","seconds","p50","p99","max"} (ms).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 256
#define READ_BUFFER (256 * 1024)

typedef struct {
  int fd;
  long request;  /* index of the request in flight, or -1 when idle */
  size_t written;
  char *in;
  size_t in_len;
} connection;

static char **requests;
static size_t *request_lengths;
static double *latencies;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

static int open_connection(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* Reads the bodies file and builds the whole request of each line. */
static long load_requests(const char *file, long count, int port) {
  FILE *f = fopen(file, "r");
  if (!f) die(file);
  requests = calloc(count, sizeof *requests);
  request_lengths = calloc(count, sizeof *request_lengths);
  char *line = NULL;
  size_t cap = 0;
  long n = 0;
  ssize_t len;
  while (n < count && (len = getline(&line, &cap, f)) > 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    size_t size = (size_t)len + 256;
    requests[n] = malloc(size);
    int head = snprintf(requests[n], size,
                        "POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zd\r\n\r\n",
                        port, len);
    memcpy(requests[n] + head, line, (size_t)len);
    request_lengths[n] = (size_t)head + (size_t)len;
    n++;
  }
  free(line);
  fclose(f);
  return n;
}

/* Length of a whole answer at the start of `buf` (headers + Content-Length body), or 0 if incomplete. */
static size_t answer_length(const char *buf, size_t len) {
  const char *end = memmem(buf, len, "\r\n\r\n", 4);
  if (!end) return 0;
  size_t head = (size_t)(end - buf) + 4;
  size_t body = 0;
  for (const char *p = buf; p < end; p++) {
    if ((p == buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
      body = strtoul(p + 15, NULL, 10);
      break;
    }
  }
  return len >= head + body ? head + body : 0;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int try_write(connection *c) {
  while (c->written < request_lengths[c->request]) {
    ssize_t n = send(c->fd, requests[c->request] + c->written, request_lengths[c->request] - c->written,
                     MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    c->written += (size_t)n;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: paced-load <port> <rate> <count> <bodies file> [connections]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double rate = atof(argv[2]);
  long count = atol(argv[3]);
  int nconn = argc > 5 ? atoi(argv[5]) : 64;
  if (nconn < 1 || nconn > MAX_CONNECTIONS || rate <= 0 || count <= 0) return 2;
  count = load_requests(argv[4], count, port);
  latencies = calloc(count, sizeof *latencies);

  int ep = epoll_create1(0);
  connection conns[MAX_CONNECTIONS];
  for (int i = 0; i < nconn; i++) {
    conns[i] = (connection){.fd = open_connection(port), .request = -1, .in = malloc(READ_BUFFER)};
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }

  long next = 0, done = 0, ok = 0, errors = 0;
  double start = now_ms() + 10, last = start;
  struct epoll_event events[MAX_CONNECTIONS];
  while (done < count) {
    /* Every request that is due goes out on an idle connection (late ones keep their due time). */
    double t = now_ms();
    for (int i = 0; i < nconn && next < count && start + next * 1000.0 / rate <= t; i++) {
      connection *c = &conns[i];
      if (c->request >= 0) continue;
      c->request = next++;
      c->written = 0;
      c->in_len = 0;
      if (try_write(c) < 0) die("write");
    }
    double wait = next < count ? start + next * 1000.0 / rate - now_ms() : 1000;
    if (now_ms() - last > 30000) break; /* no answer for 30 s: give up on the rest */
    if (wait < 0) wait = 0;
    struct timespec timeout = {.tv_sec = (time_t)(wait / 1000), .tv_nsec = (long)((wait - (time_t)(wait / 1000) * 1000) * 1e6)};
    int n = epoll_pwait2(ep, events, MAX_CONNECTIONS, &timeout, NULL);
    for (int e = 0; e < n; e++) {
      connection *c = &conns[events[e].data.u32];
      if (c->request < 0) continue;
      if ((events[e].events & EPOLLOUT) && try_write(c) < 0) die("write");
      for (;;) {
        ssize_t r = read(c->fd, c->in + c->in_len, READ_BUFFER - c->in_len);
        if (r <= 0) {
          if (r < 0 && errno == EAGAIN) break;
          die("read (the server closed a connection)");
        }
        c->in_len += (size_t)r;
        size_t whole = answer_length(c->in, c->in_len);
        if (!whole) continue;
        double finished = now_ms();
        latencies[done++] = finished - (start + c->request * 1000.0 / rate);
        last = finished;
        if (strncmp(c->in, "HTTP/1.1 2", 10) == 0) {
          ok++;
        } else if (errors++ == 0) {
          /* The first refusal, so that the report can say what it was. */
          fprintf(stderr, "first non-2xx answer: %.*s\n", (int)(whole < 600 ? whole : 600), c->in);
        }
        c->request = -1;
        break;
      }
    }
  }
  qsort(latencies, done, sizeof *latencies, compare_doubles);
  double p = done ? latencies[(long)(0.5 * (done - 1))] : 0, p99 = done ? latencies[(long)(0.99 * (done - 1))] : 0;
  printf("{\"sent\":%ld,\"ok\":%ld,\"errors\":%ld,\"seconds\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}\n", next, ok,
         errors + (count - done), (last - start) / 1000, p, p99, done ? latencies[done - 1] : 0);
  return 0;
}
