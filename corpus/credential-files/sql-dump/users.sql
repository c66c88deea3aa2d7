-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
-- Host: localhost    Database: shop
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `email` varchar(255) NOT NULL,
  `password` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'admin','admin@acme-corp.io','$2y$10$Hq3Zt8Lm1Ns5Ve9Xb2Ka7Oc4Pd6Qf0Rg3Sh5Ti8Uj1Wk4Xl7Ym9Zn');
INSERT INTO `users` VALUES (2,'jdoe','jdoe@acme-corp.io','$2b$12$Pk7Lq2Mr9Ns4Ot1Pu6Qv3Rw8Sx5Ty0Uz2Va7Wb4Xc9Yd1Ze6Af3Bg');
INSERT INTO `wp_users` VALUES (1,'editor','$P$B7xQ2mK9pL4sR8tV1wZ5yC3nF6hJ0k.','editor','editor@acme-corp.io');
INSERT INTO `auth_user` VALUES (3,'pbkdf2_sha256$600000$Yq3Lm8Nx2Pb7$Kf4Rj9Tz1Wv6Hs2Mc8Qd5Xe0Ga3Pb7Ln1Yt4Uk6Io=','2024-01-01 00:00:00',1,'ops');
INSERT INTO `users` VALUES (4,'guest','guest@acme-corp.io','');
INSERT INTO `settings` VALUES (1,'password_min_length','12');
UNLOCK TABLES;
