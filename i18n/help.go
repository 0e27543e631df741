package i18n

// helpDescription is the description in popfind --help.
const helpDescription = `Where popfind looks, best first: the built-in provider table (no network),
the domain's Thunderbird autoconfig file (https://autoconfig.DOMAIN/,
https://DOMAIN/.well-known/), the Thunderbird ISP database, DNS SRV records
(RFC 6186), Exchange Autodiscover, the domain's MX hosts, autoconfig over plain
HTTP, and as a last resort probing the usual names (pop3./pop./mail.DOMAIN, imap.,
smtp.). All of them run at once, for every protocol asked for (--protocol, POP3
and SMTP by default); guessing runs only for a protocol the others did not find.

Examples:
  In a terminal:
    popfind someone@gmail.com
    popfind --all someone@example.com          every source side by side
    popfind --protocol pop3,imap,smtp someone@qq.com   the whole account
  In scripts (one JSON object per line):
    popfind --json someone@qq.com | jq -r '.server.host + ":" + (.server.port|tostring)'
    popfind --json --offline a@163.com b@126.com | jq -c '{address, found, host: .server.host}'
  A batch from a file (one address per line; # comments and blank lines skipped):
    popfind --json - < addresses.txt > settings.jsonl
  Prove it against the server (no credentials are ever sent):
    popfind --verify someone@gmail.com
    popfind verify pop.example.com:995 --ssl
    popfind verify --protocol smtp smtp.example.com:587
  Support-desk quick reference:
    popfind providers 网易
    popfind providers --region cn
    popfind providers --csv > providers.csv
  For a domain's admin, what the domain tells mail clients, checked:
    popfind check example.com

Exit status:
  0    every address found (check: no failure)
  1    at least one not found (check: at least one failure)
  2    a usage error, or an invalid address or domain
  3    a server checked with --verify or verify failed
  4    a lookup or check could not be made (no DNS server answered, the network is down)
  130  interrupted`

// helpDescriptionZH is helpDescription in Chinese.
const helpDescriptionZH = `popfind 的查找顺序（优先者在前）：内置服务商表（不联网）、域名的 Thunderbird
自动配置文件（https://autoconfig.域名/、https://域名/.well-known/）、Thunderbird
ISP 数据库、DNS SRV 记录（RFC 6186）、Exchange Autodiscover、域名的 MX 主机、明文
HTTP 的自动配置，最后才会探测常用主机名（pop3./pop./mail.域名、imap.、smtp.）。
所有来源同时为所请求的每个协议查询（--protocol，默认 POP3 和 SMTP）；只有其他来源
都没找到某个协议时才会探测该协议。

示例：
  在终端中：
    popfind someone@gmail.com
    popfind --all someone@example.com          并列显示所有来源
    popfind --protocol pop3,imap,smtp someone@qq.com   整个账号
  在脚本中（每行一个 JSON 对象）：
    popfind --json someone@qq.com | jq -r '.server.host + ":" + (.server.port|tostring)'
    popfind --json --offline a@163.com b@126.com | jq -c '{address, found, host: .server.host}'
  从文件批量查询（每行一个地址；跳过 # 注释和空行）：
    popfind --json - < addresses.txt > settings.jsonl
  连接服务器验证（从不发送任何凭据）：
    popfind --verify someone@gmail.com
    popfind verify pop.example.com:995 --ssl
    popfind verify --protocol smtp smtp.example.com:587
  客服速查：
    popfind providers 网易
    popfind providers --region cn
    popfind providers --csv > providers.csv
  域名管理员检查域名向邮件客户端发布的内容：
    popfind check example.com

退出状态：
  0    全部找到（check：没有失败项）
  1    至少一个未找到（check：至少一个失败项）
  2    用法错误，或地址、域名无效
  3    --verify 或 verify 检查的服务器未通过
  4    无法完成查询或检查（没有 DNS 服务器应答，或网络不通）
  130  被中断`
