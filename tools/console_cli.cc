// `zhuji console-user NAME`: a line of the console's users file (HTTP basic; issue #17).
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "services/http/http_server.h"
#include "tools/commands.h"

namespace zhuji::tools {

int CmdConsoleUser(const Args& args, std::ostream& out) {
  const auto& pos = args.positionals();
  if (pos.size() != 2 || args.Flag("help")) {
    std::cerr << "usage: zhuji console-user NAME < password\n"
                 "  prints NAME:$argon2id$… for the console's users_file ([console] users_file in\n"
                 "  the node's configuration, --metrics-users of zhuji-broker); the password is\n"
                 "  read from standard input (one line; not echoed at a terminal)\n";
    return pos.size() == 2 ? 0 : 2;
  }
  bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << "密码 password for " << pos[1] << ": ";
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  bool got = static_cast<bool>(std::getline(std::cin, password));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got || password.size() < 8) {
    std::cerr << "zhuji console-user: a password of at least 8 characters is needed on standard "
                 "input\n";
    return 2;
  }
  out << http::UsersFileLine(pos[1], password) << "\n";
  return 0;
}

}  // namespace zhuji::tools
